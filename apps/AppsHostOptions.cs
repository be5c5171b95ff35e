using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Webhooks;

namespace ApexOrleans.Apps;

/// <summary>How <c>apex apps</c> serves the catalog's apps.</summary>
public sealed record AppsHostOptions
{
    /// <summary>Where <c>apex apps</c> listens unless told.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5180";

    /// <summary>Where it listens: loopback only; port 0 takes a free one.</summary>
    public string Url { get; init; } = DefaultUrl;

    /// <summary>The app catalog whose apps it serves.</summary>
    public string CatalogPath { get; init; } = AppCatalog.DefaultPath;

    /// <summary>The secret every delivery must be signed with; it also guards the admin and record routes.</summary>
    public required WebhookSecret Secret { get; init; }

    /// <summary>Apps that start down.</summary>
    public IReadOnlyCollection<string> Down { get; init; } = [];

    /// <summary>How far a delivery's <c>webhook-timestamp</c> may be from this host's clock.</summary>
    public TimeSpan Tolerance { get; init; } = WebhookSignature.DefaultTolerance;
}
