namespace ApexOrleans.Storage;

/// <summary>Well-known storage provider names.</summary>
public static class GrainStorageNames
{
    /// <summary>
    /// The provider a <c>[PersistentState]</c> without a storage name uses: Orleans'
    /// <c>ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME</c>.
    /// </summary>
    public const string Default = "Default";
}
