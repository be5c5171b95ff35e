using System.Text.Json;
using ApexOrleans.Contracts.Catalog;
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

    /// <summary>The file's text as it was read (its SHA-256 is <see cref="Sha256"/>): a bundle keeps it as <c>scenario.json</c>.</summary>
    public string SourceText { get; init; } = "";

    /// <summary>The catalog the scenario was checked against: a bundle keeps it as <c>catalog.json</c>.</summary>
    public AppCatalog? Catalog { get; init; }

    /// <summary>The day as its control run replays it: no chaos, and no scripted repeat or changed-payload replay from the client.</summary>
    public Scenario WithoutChaos() => this with
    {
        Chaos = new ChaosSettings { Seed = Chaos.Seed },
        Beats = Beats.Select(b => b with { Chaos = ScriptedFaults.None, ReplayWithChangedPayload = null }).ToList(),
    };

    /// <summary>
    /// The chaos of a run of this scenario at <paramref name="seed"/>: its rates and outage, and each beat's scripted faults for
    /// its key. With <paramref name="outagesAtHost"/>, the apps host takes those apps down for real, so their windows inject nothing.
    /// </summary>
    public ChaosSettings ChaosOfRun(long seed, IReadOnlySet<string>? outagesAtHost = null) => Chaos with
    {
        Seed = seed,
        Outages = outagesAtHost is null ? Chaos.Outages : Chaos.Outages.Select(o => o with { AtHost = outagesAtHost.Contains(o.App) }).ToList(),
        Scripts = Beats.Where(b => b.Chaos != ScriptedFaults.None).ToDictionary(b => b.Event.IdempotencyKey, b => b.Chaos),
    };
}

/// <summary>One beat: when, the event published, the faults scripted for it, and what the data must show after the run.</summary>
/// <param name="Chaos">
/// The faults scripted for the beat's event, for its key in the run's <see cref="ChaosSettings.Scripts"/>; a scripted
/// duplicate also has the runner publish the event twice.
/// </param>
public sealed record ScenarioBeat(int Number, DateTimeOffset Time, string Title, EventEnvelope Event, ScriptedFaults Chaos, IReadOnlyList<DataProof> Expect)
{
    /// <summary>
    /// The beat's event with a changed payload, which the client publishes again under the beat's key after the beat
    /// (<c>replayWithChangedPayload</c>): the mesh must refuse it and change nothing. Null when not scripted.
    /// </summary>
    public EventEnvelope? ReplayWithChangedPayload { get; init; }
}

/// <summary>A record that must exist after the run, read back from the silo: app, table, key, and field values.</summary>
public sealed record DataProof(string App, string Table, string Key, IReadOnlyDictionary<string, JsonElement> Fields);
