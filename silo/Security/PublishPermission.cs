namespace ApexOrleans.Silo.Security;

/// <summary>What a key may do on a publish into one tenant: publish as <see cref="App"/>, be refused (<see cref="Forbidden"/>, 403), or be unknown (401).</summary>
public sealed record PublishPermission(string? App, string? Forbidden)
{
    /// <summary>A key the silo does not know (or no key).</summary>
    public static PublishPermission Unknown { get; } = new(null, null);

    /// <summary>The key publishes as <paramref name="app"/>.</summary>
    public static PublishPermission As(string app) => new(app, null);

    /// <summary>A valid key, but not for this tenant.</summary>
    public static PublishPermission Forbid(string why) => new(null, why);
}
