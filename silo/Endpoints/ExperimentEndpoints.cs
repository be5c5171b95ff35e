using ApexOrleans.Contracts.Http;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Silo.Experiments;
using ApexOrleans.Silo.Security;

namespace ApexOrleans.Silo.Endpoints;

/// <summary>Experiment records (admin key): <c>apex experiment run</c> reports each run's journal here, and the dashboard lists them.</summary>
public static class ExperimentEndpoints
{
    /// <summary>Maps the group.</summary>
    public static void MapExperimentEndpoints(this IEndpointRouteBuilder routes)
    {
        var experiments = routes.MapGroup(ApiRoutes.Experiments).WithTags("experiments").RequireAdminKey();
        experiments.MapGet("/", async (IGrainFactory grains) => TypedResults.Ok(await Catalog(grains).ListAsync()))
            .WithSummary("Experiment runs reported to this silo, newest first, with their journals");
        experiments.MapPost("/", async (ExperimentEntry entry, IGrainFactory grains) =>
            {
                if (string.IsNullOrWhiteSpace(entry.RunId) || string.IsNullOrWhiteSpace(entry.ExperimentId))
                {
                    return ApiProblems.BadRequest("missing_field", "runId and experimentId are required.");
                }

                if (!MeshKeys.IsTenant(entry.RunId) || entry.ExperimentId.Any(char.IsControl))
                {
                    return ApiProblems.BadRequest("invalid_id", $"runId '{entry.RunId}' is not a run id (lower case letters, digits, '-', at most 63), or experimentId holds a control character.");
                }

                await Catalog(grains).RecordAsync(entry);
                return Results.NoContent();
            })
            .WithSummary("Store an experiment run's record and journal");
    }

    private static IExperimentCatalogGrain Catalog(IGrainFactory grains) => grains.GetGrain<IExperimentCatalogGrain>("experiments");
}
