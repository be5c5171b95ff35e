using System.Text.Json;

namespace ApexOrleans.Silo.Runs;

/// <summary>A run as the dashboard lists it.</summary>
[GenerateSerializer]
public sealed record RunEntry(string RunId, long Seed, string Clock, bool Control, DateTimeOffset RegisteredAt, bool? Passed, JsonElement? Scorecard);

/// <summary>The durable list of runs on this silo and their scorecards (one grain, key "runs").</summary>
public interface IRunCatalogGrain : IGrainWithStringKey
{
    /// <summary>Adds a run when its tenant is created; a run already listed keeps its entry (and its scorecard).</summary>
    Task RegisterAsync(RunEntry run);

    /// <summary>Stores the scorecard a runner computed for its run.</summary>
    Task<bool> AttachScorecardAsync(string runId, JsonElement scorecard);

    /// <summary>The runs, newest first.</summary>
    Task<IReadOnlyList<RunEntry>> ListAsync();
}

/// <summary>Keeps the runs and their scorecards in storage, so the dashboard shows them after a restart.</summary>
public sealed class RunCatalogGrain([PersistentState("runs")] IPersistentState<List<RunEntry>> runs) : Grain, IRunCatalogGrain
{
    private const int Kept = 500;

    /// <inheritdoc />
    public async Task RegisterAsync(RunEntry run)
    {
        if (runs.State.Exists(r => r.RunId == run.RunId))
        {
            return;
        }

        runs.State.Add(run);
        if (runs.State.Count > Kept)
        {
            runs.State.RemoveRange(0, runs.State.Count - Kept);
        }

        await runs.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task<bool> AttachScorecardAsync(string runId, JsonElement scorecard)
    {
        var index = runs.State.FindIndex(r => r.RunId == runId);
        if (index < 0)
        {
            return false;
        }

        var passed = scorecard.TryGetProperty("passed", out var p) && p.ValueKind == JsonValueKind.True;
        runs.State[index] = runs.State[index] with { Passed = passed, Scorecard = scorecard.Clone() };
        await runs.WriteStateAsync();
        return true;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunEntry>> ListAsync() => Task.FromResult<IReadOnlyList<RunEntry>>(runs.State.AsEnumerable().Reverse().ToList());
}
