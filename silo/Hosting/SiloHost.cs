using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Contracts.Http;
using System.Net;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Serialization;
using ApexOrleans.Grains.Diagnostics;
using ApexOrleans.Grains.Hosting;
using ApexOrleans.Silo.Endpoints;
using ApexOrleans.Silo.Security;
using ApexOrleans.Storage.Hosting;
using Orleans.Configuration;

namespace ApexOrleans.Silo.Hosting;

/// <summary>Builds the silo's web application: an Orleans silo with the mesh, on the configured storage, behind the HTTP API.</summary>
public static class SiloHost
{
    /// <summary>Creates the application from command-line arguments (<c>--urls</c>, <c>--Apex:Storage</c>, …) and the environment.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(SiloOptions.DefaultUrl);
        }

        if (builder.Configuration["Apex:KeysFile"] is { Length: > 0 } keysFile)
        {
            // The same { "admin": …, "apps": { app: key } } file the apex client takes with --keys.
            builder.Configuration.AddInMemoryCollection(KeysFile.Read(keysFile));
        }

        var section = builder.Configuration.GetSection("Apex");
        var options = section.Get<SiloOptions>() ?? new SiloOptions();
        builder.Services.Configure<SiloOptions>(section);
        var storage = GrainStorageChoice.Named(options.Storage, options.Database, Path.Combine(Environment.CurrentDirectory, "apex-silo.db"));
        builder.UseOrleans(silo => silo
            .UseCluster(options)
            .AddMeshGrainStorage(storage)
            .AddMesh(o => o.CatalogPath = options.Apps ?? AppCatalog.DefaultPath)
            .AddRuntimeDashboard(options));
        builder.Services.AddRemoteApps(builder.Configuration, options.IsProduction);
        builder.Services.AddSingleton(sp => ApiKeyRing.Load(section.GetSection("Keys"), sp.GetRequiredService<AppCatalog>(), options.IsProduction));
        builder.Services.ConfigureHttpJsonOptions(o => MeshJson.Configure(o.SerializerOptions));
        // Every problem names a code, also those the framework writes itself (an unknown route's 404, a wrong method's 405).
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            var status = c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode;
            c.ProblemDetails.Extensions.TryAdd("code", Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status).ToLowerInvariant().Replace(' ', '_'));
            if (status == StatusCodes.Status415UnsupportedMediaType)
            {
                c.ProblemDetails.Detail ??= EdgeValidation.UnsupportedMediaType(c.HttpContext);
            }
        });
        // A body that does not bind reaches ApiExceptionHandler, which names the field, in every environment.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddOpenApi("v1");
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        builder.Services.AddSiloOpenTelemetry(OtlpEndpoint.Resolve(options.Otlp));
        builder.Services.AddSingleton<StreamSessions>();
        configure?.Invoke(builder);

        var app = builder.Build();
        _ = app.Services.GetRequiredService<ApiKeyRing>(); // production without keys stops here, before listening
        var activations = app.Services.GetRequiredService<Orleans.Runtime.IActivationWorkingSet>();
        app.Services.GetRequiredService<MeshTelemetry>().Observe("apex.activations", () => activations.Count, "Grain activations in memory");
        if (!options.IsProduction)
        {
            app.Lifetime.ApplicationStarted.Register(() => WarnOfDevelopmentKeys(app));
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<EdgeValidation>();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapHealthChecks(ApiRoutes.Live, new() { Predicate = _ => false });
        app.MapHealthChecks(ApiRoutes.Ready, new() { Predicate = check => check.Tags.Contains("ready") });
        app.MapInfoEndpoints(options);
        app.MapEventEndpoints(options);
        app.MapRunEndpoints();
        app.MapTenantEndpoints();
        app.MapActivityEndpoints();
        app.MapPrometheusScrapingEndpoint("/metrics"); // the mesh's meter, Orleans' and ASP.NET Core's
        app.MapFaultEndpoints();
        app.MapExperimentEndpoints();
        app.MapRuntimeDashboard(options);
        return app;
    }

    private static ISiloBuilder UseCluster(this ISiloBuilder silo, SiloOptions options) => options.Cluster switch
    {
        "localhost" => silo.UseLoopbackCluster(options.SiloPort, options.GatewayPort, options.ClusterId, options.PrimarySiloPort),
        "postgres" => silo.Configure<ClusterMembershipOptions>(o =>
            {
                // Silos of one cluster here share a machine or a LAN: a silo that misses two 2-second probes is gone, and its
                // tenants move in seconds rather than the half-minute Orleans allows for a wide-area network.
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 2;
            }).UseMeshPostgresClustering(new PostgresClusteringOptions
            {
                ConnectionString = (GrainStorageKinds.IsPostgres(options.Storage) ? options.Database : null) ?? Environment.GetEnvironmentVariable("APEX_POSTGRES")
                    ?? throw new ArgumentException("--Apex:Cluster postgres needs a PostgreSQL connection string: --Apex:Database (with postgres storage) or APEX_POSTGRES."),
                ClusterId = options.ClusterId,
                SiloPort = options.SiloPort == 0 ? LoopbackCluster.FreePort() : options.SiloPort,
                GatewayPort = options.GatewayPort == 0 ? LoopbackCluster.FreePort() : options.GatewayPort,
                AdvertisedAddress = AddressOf(options.AdvertisedHost),
            }),
        _ => throw new ArgumentException($"--Apex:Cluster '{options.Cluster}': use localhost or postgres."),
    };

    private static IPAddress AddressOf(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return IPAddress.Loopback;
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        try
        {
            return Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                ?? throw new ArgumentException($"--Apex:AdvertisedHost {host}: the name has no IPv4 address.");
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new ArgumentException($"--Apex:AdvertisedHost {host}: the name does not resolve ({e.Message}).", e);
        }
    }

    /// <summary>The warning a development silo gives when it starts, in its log and as a plain line on the console.</summary>
    public const string DevelopmentKeysWarning =
        "Development mode: GET /api/v1/dev/keys gives the admin key and every app key to any client on this machine (loopback). " +
        "Do not put this silo behind a reverse proxy on the same machine: every client of the proxy would look local and get every key. " +
        "To share a silo, run it in production mode (--Apex:Mode production, keys from configuration).";

    private static void WarnOfDevelopmentKeys(WebApplication app)
    {
        app.Logger.LogWarning("{Warning}", DevelopmentKeysWarning);
        Console.WriteLine($"WARNING: {DevelopmentKeysWarning}");
    }
}
