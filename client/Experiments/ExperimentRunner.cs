using System.Text.Json;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;

namespace ApexOrleans.Client.Experiments;

/// <summary>The result of an experiment run: its journal and where it is stored.</summary>
public sealed record ExperimentOutcome(string JournalPath, ExperimentJournal Journal);

/// <summary>
/// <c>apex experiment run</c>: drives traffic at a silo, checks the steady state, injects the experiment's faults on
/// their schedule while watching the probes, reverts every fault at once when a safeguard trips or the kill switch
/// is pulled, measures recovery against the RTO, checks the steady state again and every tenant's guarantees, and
/// stores the journal. Bad input throws before anything runs or is written.
/// </summary>
public sealed class ExperimentRunner(IExperimentProgress progress, TimeProvider wallClock)
{
    /// <summary>Runs the experiment of <paramref name="options"/>. Ctrl-C (<paramref name="cancellationToken"/>) is a kill switch: faults are reverted and the journal says interrupted.</summary>
    public async Task<ExperimentOutcome> RunAsync(ExperimentOptions options, CancellationToken cancellationToken = default)
    {
        var (definition, scenario) = ExperimentLoader.Prepare(options.ExperimentPath, options.CatalogPath);
        OutputFolder.CheckWritable(options.RecordsFolder, "--records");
        options.Mesh.CheckDatabase();
        var records = new ExperimentRecords(options.RecordsFolder);

        progress.Phase($"{definition.Id}: {definition.Title} (owner {definition.Owner})");
        progress.Phase($"starting the silo ({options.Mesh.Description})");
        await using var session = await options.Mesh.OpenAsync(
            options.CatalogPath, Path.Combine(options.RecordsFolder, ExperimentOptions.DatabaseFile), wallClock, cancellationToken);
        var startedAt = wallClock.GetUtcNow();
        var runId = $"{definition.Id.ToLowerInvariant()}-{startedAt:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..4]}";
        records.MarkRunning(new RunningExperiment(runId, definition.Id, Environment.ProcessId, session.Silo, startedAt));
        ExperimentJournal journal;
        try
        {
            var run = new ExperimentRun(definition, scenario, session, records, options, runId, startedAt, progress, wallClock);
            journal = await run.ExecuteAsync(cancellationToken);
        }
        finally
        {
            records.MarkFinished(runId);
        }

        var path = records.Save(journal);
        try
        {
            await session.RecordExperimentAsync(JsonSerializer.SerializeToElement(new
            {
                journal.RunId, journal.ExperimentId, journal.Title, journal.Owner, journal.StartedAt, journal.Status, journal.Passed, journal.Verdict,
                RecoverySeconds = journal.Recovery?.Seconds, RtoSeconds = definition.Rto.TotalSeconds,
                Journal = JsonSerializer.SerializeToElement(journal, BundleJson.Options),
            }, BundleJson.Options), CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            progress.Note($"the silo did not take the record ({e.Message}); the journal file is the record");
        }

        progress.Finished(journal, path);
        return new ExperimentOutcome(path, journal);
    }
}
