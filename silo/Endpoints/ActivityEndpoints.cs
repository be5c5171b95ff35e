using ApexOrleans.Contracts.Http;
using System.Text.Json;
using ApexOrleans.Contracts.Serialization;
using ApexOrleans.Silo.Hosting;
using ApexOrleans.Silo.Security;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Contracts.Cluster;

namespace ApexOrleans.Silo.Endpoints;

/// <summary>What the dashboard watches: recent activity, its live stream (server-sent events), latency over time.</summary>
public static class ActivityEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static void MapActivityEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(ApiRoutes.Activity).WithTags("activity");
        var activity = group.MapGroup("").RequireAdminKey();
        activity.MapGet("/", async (string? tenant, int? count, IClusterView cluster) => TypedResults.Ok(await cluster.RecentAsync(tenant, Math.Clamp(count ?? 100, 1, 1000))))
            .WithSummary("Recent publishes, failed attempts, deliveries and circuit transitions, on every silo of the cluster");
        activity.MapGet(ApiRoutes.ActivityLatency, async (int? sliceSeconds, int? windowSeconds, IClusterView cluster, TimeProvider clock) =>
                TypedResults.Ok(await cluster.LatencySeriesAsync(
                    TimeSpan.FromSeconds(Math.Clamp(sliceSeconds ?? 5, 1, 3600)), clock.GetUtcNow() - TimeSpan.FromSeconds(Math.Clamp(windowSeconds ?? 600, 1, 86_400)))))
            .WithSummary("Delivery latency p50/p95/p99 per slice of wall-clock time over the last ?windowSeconds= (default 600), every silo's deliveries together");
        activity.MapGet(ApiRoutes.ActivityStats, (ISiloActivity silo) => TypedResults.Ok(silo.Stats()))
            .WithSummary("This silo's activations, pending deliveries, tenants and process memory now (a load samples it)");
        activity.MapGet(ApiRoutes.ActivitySilos, async (IClusterView cluster) => TypedResults.Ok(await cluster.ReportsAsync()))
            .WithSummary("Every silo of the cluster: its address, figures (as /stats) and the tenants it holds");
        activity.MapPost(ApiRoutes.ActivityStreamSessions, (HttpContext context, StreamSessions sessions) =>
            {
                sessions.SetCookie(context);
                return TypedResults.NoContent();
            })
            .WithSummary("For a browser's EventSource, which cannot send headers: an HttpOnly cookie that opens the stream for 60 s");
        StreamSessions.RequireAdminKeyOrSession(group.MapGet(ApiRoutes.ActivityStream, StreamAsync))
            .WithSummary("Server-sent events: each activity as it happens (admin key, or the cookie of POST …/stream-sessions)");
    }

    private static async Task StreamAsync(HttpContext context, string? tenant, ISiloActivity silo, CancellationToken cancellationToken)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.WriteAsync(": connected\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
        try
        {
            await foreach (var item in silo.StreamAsync(cancellationToken))
            {
                if (tenant is null || item.Tenant == tenant)
                {
                    await context.Response.WriteAsync($"event: {item.Kind}\ndata: {JsonSerializer.Serialize(item, MeshJson.Options)}\n\n", cancellationToken);
                    await context.Response.Body.FlushAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
