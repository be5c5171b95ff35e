using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Silo.Security;

namespace ApexOrleans.Silo.Endpoints;

/// <summary>
/// Injected faults (admin key): experiments switch faults on and off while tenants run. <c>DELETE /api/v1/faults</c>
/// is the kill switch: every fault (or every fault of one owner) is off when it answers.
/// </summary>
public static class FaultEndpoints
{
    /// <summary>What the kill switch switched off, and when it was done.</summary>
    public sealed record Reverted(IReadOnlyList<InjectedFault> Faults, DateTimeOffset At);

    /// <summary>Maps the group.</summary>
    public static void MapFaultEndpoints(this IEndpointRouteBuilder routes)
    {
        var faults = routes.MapGroup("/api/v1/faults").WithTags("faults").RequireAdminKey();
        faults.MapGet("/", (FaultSwitchboard board) => TypedResults.Ok(board.Active)).WithSummary("The faults injected now");
        faults.MapPost("/", (FaultRequest request, FaultSwitchboard board, AppCatalog catalog) =>
            {
                if (request.App is { } app && catalog.Find(app) is null)
                {
                    return ApiProblems.BadRequest("invalid_fault", $"'{app}' is not an app of this silo's catalog.");
                }

                try
                {
                    var fault = board.Inject(request);
                    return Results.Created($"/api/v1/faults/{fault.Id}", fault);
                }
                catch (ArgumentException e)
                {
                    return ApiProblems.BadRequest("invalid_fault", e.Message);
                }
            })
            .WithSummary("Switch a fault on: app-outage, delivery-delay or storage-outage");
        faults.MapDelete("/", (string? owner, FaultSwitchboard board, TimeProvider clock) => TypedResults.Ok(new Reverted(board.RevertAll(owner), clock.GetUtcNow())))
            .WithSummary("The kill switch: switch off every fault (or every fault of ?owner=)");
        faults.MapDelete("/{id}", (string id, FaultSwitchboard board) => board.Revert(id) ? Results.NoContent() : ApiProblems.NotFound($"No fault '{id}' is on."))
            .WithSummary("Switch one fault off");
    }
}
