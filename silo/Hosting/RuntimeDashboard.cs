using System.Net;
using Orleans.Dashboard;

namespace ApexOrleans.Silo.Hosting;

/// <summary>Orleans' own dashboard (<c>Microsoft.Orleans.Dashboard</c>) at <c>/orleans/</c> when <see cref="SiloOptions.OrleansDashboard"/> is on.</summary>
public static class RuntimeDashboard
{
    /// <summary>Where it is mounted.</summary>
    public const string Path = "/orleans";

    /// <summary>Adds its services (a grain call profiler and a grain service) to the silo when it is on.</summary>
    public static ISiloBuilder AddRuntimeDashboard(this ISiloBuilder silo, SiloOptions options) =>
        options.OrleansDashboard ? silo.AddDashboard() : silo;

    /// <summary>Maps it when it is on; a browser cannot send the admin key with its calls, so only loopback clients are served.</summary>
    public static void MapRuntimeDashboard(this IEndpointRouteBuilder routes, SiloOptions options)
    {
        if (!options.OrleansDashboard)
        {
            return;
        }

        routes.MapOrleansDashboard(Path).WithTags("orleans").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
                ? await next(context)
                : ApiProblems.Forbidden("Orleans' dashboard is served to clients on this machine only (it has no keys)."));
    }
}
