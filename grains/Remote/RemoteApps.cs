using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Webhooks;
using Microsoft.Extensions.Options;

namespace ApexOrleans.Grains.Remote;

/// <summary>
/// The remote apps of this silo, resolved once at start: each endpoint from the configuration (or the catalog), checked,
/// and the secret that signs their deliveries. Only these URLs are ever called; nothing in an event chooses one.
/// </summary>
public sealed class RemoteApps
{
    private readonly IReadOnlyDictionary<string, Uri> _endpoints;

    /// <summary>Resolves and checks the endpoints; a bad one, an unknown app or a missing secret fails the silo's start.</summary>
    public RemoteApps(AppCatalog catalog, IOptions<RemoteAppOptions> options)
    {
        var endpoints = catalog.Apps.Values.Where(a => a.Endpoint is not null).ToDictionary(a => a.Id, a => a.Endpoint!);
        foreach (var (app, text) in options.Value.Endpoints)
        {
            if (catalog.Find(app) is null)
            {
                throw new InvalidOperationException($"{RemoteAppOptions.Section}:Endpoints: '{app}' is not an app of the catalog.");
            }

            endpoints[app] = AppEndpoint.TryParse(text, out var problem)
                ?? throw new InvalidOperationException($"{RemoteAppOptions.Section}:Endpoints:{app}: {problem}");
        }

        _endpoints = endpoints;
        if (endpoints.Count > 0)
        {
            var secret = options.Value.WebhookSecret ?? throw new InvalidOperationException(
                $"Apps {string.Join(", ", endpoints.Keys.Order(StringComparer.Ordinal))} are remote, but no webhook secret is set " +
                $"({RemoteAppOptions.Section}:WebhookSecret, or {WebhookSecret.EnvironmentVariable}).");
            try
            {
                Secret = WebhookSecret.Parse(secret);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"{RemoteAppOptions.Section}:WebhookSecret: {e.Message}.");
            }
        }
    }

    /// <summary>The secret that signs deliveries; null when no app is remote.</summary>
    public WebhookSecret? Secret { get; }

    /// <summary>The remote apps and their endpoints.</summary>
    public IReadOnlyDictionary<string, Uri> Endpoints => _endpoints;

    /// <summary>The endpoint of <paramref name="app"/>, or null when it is a grain app.</summary>
    public Uri? EndpointOf(string app) => _endpoints.GetValueOrDefault(app);
}
