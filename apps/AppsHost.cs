using ApexOrleans.Contracts.Books;
using ApexOrleans.Contracts.Catalog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApexOrleans.Apps;

/// <summary>The apps host as a running web application: <see cref="StartAsync"/> it, read <see cref="Url"/>, dispose it to stop.</summary>
public sealed class AppsHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AppsHost(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Where it listens (the port it took, when asked for port 0).</summary>
    public string Url { get; }

    /// <summary>Starts serving the catalog's apps; a bad catalog, a down app it lacks, or a URL off loopback fails here.</summary>
    public static async Task<AppsHost> StartAsync(AppsHostOptions options, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        if (options.Url.Contains(';', StringComparison.Ordinal) || !Uri.TryCreate(options.Url, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"--url: one absolute http URL on loopback, not '{options.Url}'");
        }

        if (!uri.IsLoopback)
        {
            throw new ArgumentException($"the apps host listens on loopback only, not {uri.Host}");
        }

        var catalog = AppCatalog.Load(options.CatalogPath);
        if (options.Down.FirstOrDefault(a => catalog.Find(a) is null) is { } unknown)
        {
            throw new ArgumentException($"--down {unknown}: not an app of the catalog ({string.Join(", ", catalog.Apps.Keys)})");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders(); // a request log would carry signatures; the CLI says what matters
        builder.WebHost.UseUrls(options.Url);
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        var app = builder.Build();
        var catalogSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(options.CatalogPath, cancellationToken)));
        app.MapAppsHost(new AppsHostState(catalog, catalogSha256, new ReactionCatalog(catalog, ReactionCatalog.BuiltIn), options.Down), options, clock);
        await app.StartAsync(cancellationToken);
        var url = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AppsHost(app, url.Replace("[::1]", "localhost", StringComparison.Ordinal));
    }

    /// <summary>Serves until <paramref name="cancellationToken"/> is cancelled, or the process is told to stop (SIGTERM, Ctrl+C).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        // The host's own console lifetime takes SIGTERM and Ctrl+C, and stops the application rather than the process.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _app.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
