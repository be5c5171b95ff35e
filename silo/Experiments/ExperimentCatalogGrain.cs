using System.Text.Json;

namespace ApexOrleans.Silo.Experiments;

/// <summary>An experiment run as the dashboard lists it: its record and its whole journal.</summary>
[GenerateSerializer]
public sealed record ExperimentEntry(
    string RunId, string ExperimentId, string Title, string Owner, DateTimeOffset StartedAt, string Status, bool Passed,
    string Verdict, double? RecoverySeconds, double RtoSeconds, JsonElement Journal);

/// <summary>The durable list of experiment runs reported to this silo (one grain, key "experiments").</summary>
public interface IExperimentCatalogGrain : IGrainWithStringKey
{
    /// <summary>Stores a run's record; a run reported again replaces its earlier record.</summary>
    Task RecordAsync(ExperimentEntry entry);

    /// <summary>The runs, newest first.</summary>
    Task<IReadOnlyList<ExperimentEntry>> ListAsync();
}

/// <summary>Keeps experiment records in storage, so the dashboard shows them after a restart.</summary>
public sealed class ExperimentCatalogGrain([PersistentState("experiments")] IPersistentState<List<ExperimentEntry>> records) : Grain, IExperimentCatalogGrain
{
    private const int Kept = 500;

    /// <inheritdoc />
    public async Task RecordAsync(ExperimentEntry entry)
    {
        records.State.RemoveAll(r => r.RunId == entry.RunId);
        records.State.Add(entry with { Journal = entry.Journal.Clone() });
        if (records.State.Count > Kept)
        {
            records.State.RemoveRange(0, records.State.Count - Kept);
        }

        await records.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ExperimentEntry>> ListAsync() =>
        Task.FromResult<IReadOnlyList<ExperimentEntry>>(records.State.OrderByDescending(r => r.StartedAt).ToList());
}
