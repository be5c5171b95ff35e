using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Webhooks;

namespace ApexOrleans.Client.Running;

/// <summary>
/// Which apps of a run are remote (<c>--app-endpoint app=URL</c>, or every app on <c>--apps-host URL</c>) and the secret
/// that signs their deliveries (<c>--webhook-secret</c>, or <c>APEX_WEBHOOK_SECRET</c>; made up and shown once when
/// neither gives one and no apps host needs to share it).
/// </summary>
public sealed record RemoteAppsChoice
{
    /// <summary>Endpoints by app id, from <c>--app-endpoint</c>; over an apps host's for the same app.</summary>
    public IReadOnlyDictionary<string, string> Endpoints { get; init; } = new Dictionary<string, string>();

    /// <summary>An <c>apex apps</c> host that serves every app, drives the outages and keeps the records read back.</summary>
    public string? AppsHost { get; init; }

    /// <summary>The secret's text as given, or null.</summary>
    public string? Secret { get; init; }

    /// <summary>Whether the command line names remote apps (<c>--app-endpoint</c>, <c>--apps-host</c>).</summary>
    public bool Named => Endpoints.Count > 0 || AppsHost is not null;

    /// <summary>Whether any app is remote: named here, or given an endpoint by <paramref name="catalog"/>.</summary>
    public bool Any(AppCatalog catalog) => Named || catalog.Apps.Values.Any(a => a.Endpoint is not null);

    /// <summary>Reads <c>app=URL</c> pairs; a malformed one, or an app named twice, is bad input.</summary>
    public static IReadOnlyDictionary<string, string> ParseEndpoints(IEnumerable<string> values)
    {
        var endpoints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var at = value.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0 || at == value.Length - 1)
            {
                throw new BadInputException($"--app-endpoint: give app=URL, e.g. flowbills=http://127.0.0.1:8080/hooks (the value is not echoed: it may hold a token)");
            }

            if (!endpoints.TryAdd(value[..at], value[(at + 1)..]))
            {
                throw new BadInputException($"--app-endpoint names {value[..at]} twice");
            }
        }

        return endpoints;
    }

    /// <summary>
    /// The remote apps against <paramref name="catalog"/>: each endpoint checked, the host's URL normalised, the secret read
    /// (or made, when <paramref name="madeSecret"/> receives it). Bad input names what is wrong; nothing has run yet.
    /// </summary>
    public RemoteApps Resolve(AppCatalog catalog, Action<WebhookSecret> madeSecret)
    {
        Uri? host = null;
        if (AppsHost is { } hostText)
        {
            host = AppEndpoint.TryParse(hostText.EndsWith('/') ? hostText : hostText + "/", out var problem)
                ?? throw new BadInputException($"--apps-host: {problem}");
        }

        // The catalog's own endpoints first; an apps host serves every app; --app-endpoint has the last word.
        var endpoints = catalog.Apps.Values.Where(a => a.Endpoint is not null).ToDictionary(a => a.Id, a => a.Endpoint!, StringComparer.Ordinal);
        if (host is not null)
        {
            foreach (var app in catalog.Apps.Keys)
            {
                endpoints[app] = AppsHostClient.EndpointOf(host, app);
            }
        }

        foreach (var (app, url) in Endpoints)
        {
            if (catalog.Find(app) is null)
            {
                throw new BadInputException($"--app-endpoint {app}: not an app of the catalog ({string.Join(", ", catalog.Apps.Keys)})");
            }

            endpoints[app] = AppEndpoint.TryParse(url, out var problem) ?? throw new BadInputException($"--app-endpoint {app}: {problem}");
        }

        var text = Secret ?? (Environment.GetEnvironmentVariable(WebhookSecret.EnvironmentVariable) is { Length: > 0 } e ? e : null);
        WebhookSecret secret;
        if (text is null)
        {
            if (host is not null)
            {
                throw new BadInputException($"--apps-host: give the host's webhook secret (it printed it) with --webhook-secret or {WebhookSecret.EnvironmentVariable}");
            }

            secret = WebhookSecret.Generate();
            madeSecret(secret);
        }
        else
        {
            try
            {
                secret = WebhookSecret.Parse(text);
            }
            catch (FormatException problem)
            {
                throw new BadInputException($"--webhook-secret: {problem.Message}");
            }
        }

        return new RemoteApps(endpoints, host, secret);
    }

    /// <summary>The remote apps of a run, resolved.</summary>
    public sealed record RemoteApps(IReadOnlyDictionary<string, Uri> Endpoints, Uri? Host, WebhookSecret Secret)
    {
        /// <summary>Gives the embedded silo these endpoints and the secret.</summary>
        public void Configure(ISiloBuilder silo) => EmbeddedMeshSession.UseRemoteApps(silo, Endpoints, Secret);

        /// <summary>Whether every remote app is served by the apps host (whose runs repeat on a virtual clock).</summary>
        public bool AllOnHost => Host is not null && Endpoints.Values.All(u => u.ToString().StartsWith(Host.ToString(), StringComparison.Ordinal));
    }
}
