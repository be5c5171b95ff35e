using ApexOrleans.Contracts.Http;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Silo.Security;
using ApexOrleans.Contracts.Cluster;

namespace ApexOrleans.Silo.Endpoints;

/// <summary>Reading grain state for dashboards and remote runs: apps and their records, receipts, circuits, queues (admin key).</summary>
public static class TenantEndpoints
{
    /// <summary>Maps the group.</summary>
    public static void MapTenantEndpoints(this IEndpointRouteBuilder routes)
    {
        var tenants = routes.MapGroup(ApiRoutes.Tenants).WithTags("tenants").RequireAdminKey();
        tenants.MapGet("/", async (IClusterView cluster) => TypedResults.Ok(await cluster.TenantsAsync()))
            .WithSummary("The tenants (runs) held by any silo of the cluster");
        tenants.MapGet(ApiRoutes.TenantApps, async (string tenant, TenantStateReader reader) => Valid(tenant) ?? TypedResults.Ok(await reader.ReadAsync(tenant)))
            .WithSummary("Every app's tables, held events and counts");
        tenants.MapGet(ApiRoutes.TenantApp, (string tenant, string app, AppCatalog catalog, IGrainFactory grains) =>
                ForApp(tenant, app, catalog, () => grains.GetGrain<IAppGrain>(MeshKeys.For(tenant, app)).GetAsync()))
            .WithSummary("One app's tables and held events");
        tenants.MapGet(ApiRoutes.AppReceipts, (string tenant, string app, AppCatalog catalog, IGrainFactory grains) =>
                ForApp(tenant, app, catalog, () => grains.GetGrain<IAppGrain>(MeshKeys.For(tenant, app)).ReceiptsAsync()))
            .WithSummary("One app's apply receipts");
        tenants.MapGet(ApiRoutes.TenantCircuits, (string tenant, AppCatalog catalog, IGrainFactory grains) =>
                ForEachApp(tenant, catalog, app => grains.GetGrain<ICircuitBreakerGrain>(MeshKeys.For(tenant, app)).GetAsync()))
            .WithSummary("Every target's circuit with its transition history");
        tenants.MapGet(ApiRoutes.TenantQueues, (string tenant, AppCatalog catalog, IGrainFactory grains) =>
                ForEachApp(tenant, catalog, app => grains.GetGrain<IDeliveryGrain>(MeshKeys.For(tenant, app)).GetAsync()))
            .WithSummary("Every target's delivery queue: pending, delivered history, dead letters");
        tenants.MapGet(ApiRoutes.TenantTraces, async Task<IResult> (string tenant, IClusterView cluster) =>
                Valid(tenant) ?? TypedResults.Text((await cluster.TracesAsync(tenant)).ToOtlpJson(tenant), "application/json"))
            .WithSummary("The tenant's traces as OTLP JSON, as every silo kept them: one trace per published event, its spans on the run's clock");
        tenants.MapGet(ApiRoutes.PublishReceipt, async Task<IResult> (string tenant, string app, string key, AppCatalog catalog, IGrainFactory grains) =>
            {
                if ((Valid(tenant) ?? KnownApp(app, catalog)) is { } invalid)
                {
                    return invalid;
                }

                // Clients escape the key (it may hold '/', '?', '#'); a catch-all route keeps %2F escaped.
                key = Uri.UnescapeDataString(key);
                var state = await grains.GetGrain<IIdempotencyGrain>(MeshKeys.For(tenant, EventEnvelope.ScopeOf(app, key))).GetAsync();
                return state is null ? ApiProblems.NotFound($"No publish by '{app}' with idempotency key '{key}' in tenant '{tenant}'.") : TypedResults.Ok(state);
            })
            .WithSummary("The receipt of a publish by an app under a key (keys are scoped by source app): its first claim and every refused reuse");
    }

    private static IResult? Valid(string tenant) =>
        MeshKeys.IsTenant(tenant) ? null : ApiProblems.BadRequest("invalid_tenant", $"'{tenant}' is not a tenant id.");

    private static IResult? KnownApp(string app, AppCatalog catalog) =>
        catalog.Find(app) is null ? ApiProblems.NotFound($"No app '{app}' in the catalog.") : null;

    private static async Task<IResult> ForApp<T>(string tenant, string app, AppCatalog catalog, Func<Task<T>> read) =>
        Valid(tenant) ?? KnownApp(app, catalog) ?? TypedResults.Ok(await read());

    private static async Task<IResult> ForEachApp<T>(string tenant, AppCatalog catalog, Func<string, Task<T>> read) =>
        Valid(tenant) ?? TypedResults.Ok(await catalog.ReadEachAsync(read));
}
