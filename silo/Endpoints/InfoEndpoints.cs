using ApexOrleans.Contracts.Http;
using System.Net;
using System.Reflection;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Silo.Hosting;
using ApexOrleans.Silo.Security;
using Microsoft.Extensions.Options;

namespace ApexOrleans.Silo.Endpoints;

/// <summary>What the silo is (no key), and in development mode its generated keys (loopback only).</summary>
public static class InfoEndpoints
{
    /// <summary>The silo's description.</summary>
    public sealed record SiloInfo(string Version, string Mode, string Storage, IReadOnlyList<string> Apps);

    /// <summary>The keys a local client needs.</summary>
    public sealed record DevelopmentKeys(string Admin, IReadOnlyDictionary<string, string> Apps);

    /// <summary>Maps the endpoints.</summary>
    public static void MapInfoEndpoints(this IEndpointRouteBuilder routes, SiloOptions options)
    {
        routes.MapGet(ApiRoutes.Info, (IOptions<SiloOptions> o, AppCatalog catalog) => TypedResults.Ok(new SiloInfo(
                typeof(InfoEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
                o.Value.IsProduction ? "production" : "development", o.Value.Storage, catalog.Apps.Keys.Order(StringComparer.Ordinal).ToList())))
            .WithTags("info").WithSummary("Version, mode, storage and apps of this silo");
        if (options.IsProduction)
        {
            return;
        }

        routes.MapGet(ApiRoutes.DevKeys, (HttpContext context, ApiKeyRing keys) =>
                context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
                    ? Results.Ok(new DevelopmentKeys(keys.Admin, keys.Apps))
                    : ApiProblems.Forbidden("Development keys are only given to clients on this machine."))
            .WithTags("info").WithSummary("Development mode only, loopback only: the generated keys, so local clients need no flags");
    }
}
