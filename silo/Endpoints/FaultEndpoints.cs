using ApexOrleans.Contracts.Http;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Cluster;
using ApexOrleans.Silo.Security;

namespace ApexOrleans.Silo.Endpoints;

/// <summary>
/// Injected faults (admin key): experiments switch faults on and off while tenants run. Faults are the cluster's: a
/// change made on any silo has reached every silo when it answers. <c>DELETE /api/v1/faults</c> is the kill switch.
/// </summary>
public static class FaultEndpoints
{
    /// <summary>What the kill switch switched off, when it was done, and the silos that did not confirm it (gone, or going).</summary>
    public sealed record Reverted(IReadOnlyList<InjectedFault> Faults, DateTimeOffset At, IReadOnlyList<string> Unreached);

    /// <summary>Maps the group.</summary>
    public static void MapFaultEndpoints(this IEndpointRouteBuilder routes)
    {
        var faults = routes.MapGroup(ApiRoutes.Faults).WithTags("faults").RequireAdminKey();
        faults.MapGet("/", async (IGrainFactory grains) => TypedResults.Ok((await grains.ClusterFaults().GetAsync()).Active))
            .WithSummary("The faults injected now, across the cluster");
        faults.MapPost("/", async (FaultRequest request, IGrainFactory grains, AppCatalog catalog) =>
            {
                if (request.App is { } app && catalog.Find(app) is null)
                {
                    return ApiProblems.BadRequest("invalid_fault", $"'{app}' is not an app of this silo's catalog.");
                }

                try
                {
                    request.Validate(); // here too: the keeper would throw the same, one hop further away
                    var fault = (await grains.ClusterFaults().InjectAsync(request)).Faults.Single();
                    return Results.Created(ApiRoutes.To(ApiRoutes.Faults, ApiRoutes.Fault, fault.Id), fault);
                }
                catch (ArgumentException e)
                {
                    return ApiProblems.BadRequest("invalid_fault", e.Message);
                }
            })
            .WithSummary("Switch a fault on in every silo: app-outage, delivery-delay or storage-outage");
        faults.MapDelete("/", async (string? owner, IGrainFactory grains, TimeProvider clock) =>
            {
                var change = await grains.ClusterFaults().RevertAllAsync(owner);
                return TypedResults.Ok(new Reverted(change.Faults, clock.GetUtcNow(), change.Unreached));
            })
            .WithSummary("The kill switch: switch off every fault (or every fault of ?owner=) in every silo");
        faults.MapDelete(ApiRoutes.Fault, async (string id, IGrainFactory grains) =>
                (await grains.ClusterFaults().RevertAsync(id)).Faults.Count > 0 ? Results.NoContent() : ApiProblems.NotFound($"No fault '{id}' is on."))
            .WithSummary("Switch one fault off in every silo");
    }
}
