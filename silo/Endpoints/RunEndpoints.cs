using ApexOrleans.Contracts.Http;
using System.Text.Json;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Silo.Runs;
using ApexOrleans.Silo.Security;

namespace ApexOrleans.Silo.Endpoints;

/// <summary>
/// Runs: a remote <c>apex run</c> creates its tenant with its own chaos and clock (so two runs on one silo never
/// interfere), moves its clock, and leaves its scorecard for the dashboard (admin key).
/// </summary>
public static class RunEndpoints
{
    /// <summary>Creating a run; with <see cref="Resume"/>, taking up a run this silo lost in a restart at its <see cref="Sequence"/>.</summary>
    /// <remarks><see cref="Listed"/> false keeps a load's many tenants out of the dashboard's run list.</remarks>
    public sealed record CreateRun(string RunId, RunSettings Settings, bool Resume = false, long Sequence = 0, bool Listed = true);

    /// <summary>A moment of the run's clock.</summary>
    public sealed record ClockTime(DateTimeOffset Time);

    /// <summary>A created (or already present) run: its clock, and the keys that publish into it and nowhere else, one per app.</summary>
    public sealed record CreatedRun(DateTimeOffset Time, IReadOnlyDictionary<string, string> Keys);

    /// <summary>Maps the group.</summary>
    public static void MapRunEndpoints(this IEndpointRouteBuilder routes)
    {
        var runs = routes.MapGroup(ApiRoutes.Runs).WithTags("runs").RequireAdminKey();
        runs.MapGet("/", async (IGrainFactory grains) => TypedResults.Ok(await Catalog(grains).ListAsync()))
            .WithSummary("Runs on this silo, newest first, with their scorecards");
        runs.MapPost("/", CreateAsync).WithSummary("Create a run's tenant with its chaos, options and clock");
        runs.MapGet(ApiRoutes.RunClock, (string runId, IGrainFactory grains) =>
                KnownAsync(runId, grains, async run => TypedResults.Ok(new ClockTime(await run.NowAsync()))))
            .WithSummary("The run's clock");
        runs.MapPost(ApiRoutes.RunAdvance, (string runId, ClockTime until, IGrainFactory grains, CancellationToken cancellationToken) =>
                KnownAsync(runId, grains, async run => TypedResults.Ok(new ClockTime(await run.AdvanceAsync(until.Time).WaitAsync(cancellationToken)))))
            .WithSummary("Run the run's work up to a time (virtual clock)");
        runs.MapPost(ApiRoutes.RunSettle, (string runId, ClockTime limit, IGrainFactory grains, CancellationToken cancellationToken) =>
                KnownAsync(runId, grains, async run => TypedResults.Ok(new ClockTime(await run.SettleAsync(limit.Time).WaitAsync(cancellationToken)))))
            .WithSummary("Run until nothing is left to do, up to a limit");
        runs.MapDelete(ApiRoutes.Run, RetireAsync)
            .WithSummary("Retire a finished run's tenant: its timeline stops and its settings leave the silo's memory; its data stays in storage");
        runs.MapPut(ApiRoutes.RunScorecard, async (string runId, JsonElement scorecard, IGrainFactory grains) =>
                await Catalog(grains).AttachScorecardAsync(runId, scorecard) ? Results.NoContent() : ApiProblems.NotFound($"No run '{runId}'."))
            .WithSummary("Store the scorecard the runner computed");
    }

    /// <summary>
    /// Creates a run's tenant, idempotently for its id: a run that is already here is left as it is (200), so a create
    /// sent again after a silo went away cannot fail. With <see cref="CreateRun.Resume"/> the silo also takes up how far
    /// the run had come and wakes its durable queues, outboxes and holds.
    /// </summary>
    private static async Task<IResult> CreateAsync(CreateRun request, IGrainFactory grains, ApiKeyRing keys, TimeProvider clock)
    {
        if (!MeshKeys.IsTenant(request.RunId ?? ""))
        {
            return ApiProblems.BadRequest("invalid_run_id", $"runId '{request.RunId}' is not a tenant id (lower case letters, digits, '-', at most 63).");
        }

        if (request.Settings is null)
        {
            return ApiProblems.BadRequest("missing_field", "settings: is required.");
        }

        if (request.Settings is { Chaos: null } or { Delivery: null } or { Circuit: null })
        {
            return ApiProblems.BadRequest("invalid_settings", "settings: chaos, delivery and circuit are objects when given, not null.");
        }

        var runId = request.RunId!;
        var run = grains.GetGrain<ITenantGrain>(runId);
        bool created;
        try
        {
            created = await run.ConfigureAsync(request.Settings); // false: already here (a create sent again), the same outcome
        }
        catch (ArgumentException e)
        {
            return ApiProblems.BadRequest("invalid_settings", $"settings: {e.Message}");
        }

        if (request.Resume && (created || await run.AwaitsResumeAsync()))
        {
            await run.ResumeAsync(request.Sequence); // also when an earlier create configured it and its resume failed
        }

        if (request.Listed)
        {
            await Catalog(grains).RegisterAsync(new RunEntry(runId, request.Settings.Chaos.Seed,
                request.Settings.Clock.ToString().ToLowerInvariant(), request.Settings.Control, clock.GetUtcNow(), null, null));
        }

        var answer = new CreatedRun(await run.NowAsync(), keys.RunKeys(runId));
        return created ? TypedResults.Created(ApiRoutes.To(ApiRoutes.Runs, ApiRoutes.RunClock, runId), answer) : TypedResults.Ok(answer);
    }

    private static async Task<IResult> RetireAsync(string runId, IGrainFactory grains)
    {
        if (!MeshKeys.IsTenant(runId))
        {
            return ApiProblems.NotFound($"No run '{runId}'.");
        }

        try
        {
            return await grains.GetGrain<ITenantGrain>(runId).RetireAsync() ? Results.NoContent() : ApiProblems.NotFound($"No run '{runId}'.");
        }
        catch (InvalidOperationException e)
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "run_not_settled", e.Message);
        }
    }

    private static IRunCatalogGrain Catalog(IGrainFactory grains) => grains.GetGrain<IRunCatalogGrain>("runs");

    private static async Task<IResult> KnownAsync(string runId, IGrainFactory grains, Func<ITenantGrain, Task<IResult>> then)
    {
        if (!MeshKeys.IsTenant(runId))
        {
            return ApiProblems.NotFound($"No run '{runId}'.");
        }

        var run = grains.GetGrain<ITenantGrain>(runId);
        return await run.IsConfiguredAsync()
            ? await then(run)
            : ApiProblems.Problem(StatusCodes.Status404NotFound, "run_not_found",
                $"No run '{runId}': it was retired, never created, or lost with its silo (its runner creates it again with resume).");
    }
}
