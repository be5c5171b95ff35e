using System.Text.Json;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Client.Scenarios;

/// <summary>A business day to replay: its chaos, its reliability settings and its beats. Loaded and checked by <see cref="ScenarioLoader"/>.</summary>
/// <param name="Chaos">
/// The file's <c>chaos</c> section in the model the silo takes (seed, rates, longest delay, outage): the outage's beats
/// are its sequences, as a beat's number is its event's. Scripted faults stay with their beats; a run adds them.
/// </param>
/// <param name="Delivery">The section's reliability settings (<c>timeoutMs</c>, <c>maxRetries</c>, <c>baseBackoffMs</c>) as delivery options.</param>
public sealed record Scenario(
    string Name, string Title, string Description, ChaosSettings Chaos, DeliveryOptions Delivery, IReadOnlyList<ScenarioBeat> Beats, string SourcePath, string Sha256)
{
    /// <summary>
    /// Criteria (by id) the scenario says will have nothing to observe (<c>"criteria": { "circuit-breaker": { "expect": "not-exercised" } }</c>; ids in <see cref="Evidence.CriterionIds"/>):
    /// such a criterion reported not exercised does not fail the run; any other must-pass criterion not exercised does.
    /// </summary>
    public IReadOnlySet<string> ExpectedNotExercised { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>One beat: when, the event published, the faults scripted for it, and what the data must show after the run.</summary>
public sealed record ScenarioBeat(int Number, DateTimeOffset Time, string Title, EventEnvelope Event, BeatChaos Chaos, IReadOnlyList<DataProof> Expect);

/// <summary>
/// Faults scripted for a beat's event: published twice, delayed, and its first attempts to each target timing
/// out, failing on the network, failing at the server or losing their answer (in that order).
/// </summary>
public sealed record BeatChaos(bool Duplicate, int? DelayMs, int Timeouts, int NetworkFailures, int ServerErrors, int ResponsesLost)
{
    /// <summary>No scripted fault.</summary>
    public static BeatChaos None { get; } = new(false, null, 0, 0, 0, 0);

    /// <summary>Whether anything is scripted.</summary>
    public bool Any => this != None;

    /// <summary>A short description for progress tables.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Duplicate) parts.Add("duplicate");
        if (DelayMs is > 0) parts.Add($"delay {DelayMs} ms");
        if (Timeouts > 0) parts.Add($"timeout ×{Timeouts}");
        if (NetworkFailures > 0) parts.Add($"network ×{NetworkFailures}");
        if (ServerErrors > 0) parts.Add($"server error ×{ServerErrors}");
        if (ResponsesLost > 0) parts.Add($"response lost ×{ResponsesLost}");
        return parts.Count == 0 ? "—" : string.Join(", ", parts);
    }
}

/// <summary>A record that must exist after the run, read back from the silo: app, table, key, and field values.</summary>
public sealed record DataProof(string App, string Table, string Key, IReadOnlyDictionary<string, JsonElement> Fields);
