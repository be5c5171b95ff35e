namespace ApexOrleans.Grains.Remote;

/// <summary>
/// Apps of the catalog served elsewhere over HTTP: their endpoints (over the catalog's own <c>endpoint</c>s) and the
/// secret that signs every delivery to them. Bound from <c>Apex:Remote</c> in a silo's configuration.
/// </summary>
public sealed class RemoteAppOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Apex:Remote";

    /// <summary>Endpoint by app id; an app named here is remote even if the catalog gives it none.</summary>
    public Dictionary<string, string> Endpoints { get; set; } = [];

    /// <summary>The Standard Webhooks secret, <c>whsec_&lt;base64&gt;</c>; required once any app is remote.</summary>
    public string? WebhookSecret { get; set; }
}
