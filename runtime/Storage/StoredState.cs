namespace ApexOrleans.Runtime.Storage;

/// <summary>
/// One stored row: a version counter and a payload. A cleared state keeps its row with a null payload
/// and a bumped version, so an ETag read before the clear can never match a later incarnation.
/// </summary>
internal readonly record struct StoredState(long Version, byte[]? Payload)
{
    public string ETag => Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParseETag(string? etag, out long version) =>
        long.TryParse(etag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out version);

    /// <summary>Applies a read result to the caller's state object.</summary>
    public static void Load<T>(StoredState? stored, IGrainState<T> grainState, IGrainStateSerializer serializer) where T : new()
    {
        grainState.ETag = stored?.ETag;
        grainState.RecordExists = stored?.Payload is not null;
        grainState.State = stored?.Payload is { } payload ? serializer.Deserialize<T>(payload) : new T();
    }
}
