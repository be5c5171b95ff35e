using ApexOrleans.Contracts.Chaos;
namespace ApexOrleans.Client.Experiments;

/// <summary>
/// An experiment file: a hypothesis about the mesh, the steady state that must hold before and after, the
/// method (traffic and the faults to inject), what must hold while the faults are on, the safeguards that abort
/// it, how it is rolled back, and the recovery time objective. Schema: docs/experiments.md.
/// </summary>
public sealed record ExperimentDefinition
{
    /// <summary>Its catalogue id, e.g. EX-01.</summary>
    public required string Id { get; init; }

    /// <summary>One line saying what it tries.</summary>
    public required string Title { get; init; }

    /// <summary>Who answers for it.</summary>
    public required string Owner { get; init; }

    /// <summary>What is believed to hold, in words.</summary>
    public required string Hypothesis { get; init; }

    /// <summary>The probes that define normal, checked before the faults and after recovery.</summary>
    public required SteadyState SteadyState { get; init; }

    /// <summary>The traffic and the faults.</summary>
    public required ExperimentMethod Method { get; init; }

    /// <summary>What must hold while a fault is on.</summary>
    public required ExpectedOutcome Expected { get; init; }

    /// <summary>Abort conditions: when one of these probes breaks its limit, every fault is reverted at once.</summary>
    public required IReadOnlyList<ProbeTolerance> Safeguards { get; init; }

    /// <summary>How the experiment is undone, in words (the runner reverts every injected fault itself).</summary>
    public required string Rollback { get; init; }

    /// <summary>Recovery time objective: from the last fault reverted to the steady state back and every tenant settled.</summary>
    public required TimeSpan Rto { get; init; }

    /// <summary>Where it was loaded from.</summary>
    public required string SourcePath { get; init; }

    /// <summary>SHA-256 of the file as loaded.</summary>
    public required string Sha256 { get; init; }
}

/// <summary>The steady state: probes watched over <see cref="Window"/> before the faults and again after recovery.</summary>
public sealed record SteadyState(TimeSpan Window, IReadOnlyList<ProbeTolerance> Probes);

/// <summary>What must hold while faults are on (checked on every sample), and the outcome expected, in words.</summary>
public sealed record ExpectedOutcome(string Outcome, IReadOnlyList<ProbeTolerance> Probes);

/// <summary>A probe and its limits: its value must be ≤ <see cref="Max"/> and ≥ <see cref="Min"/> (either may be absent).</summary>
/// <remarks>
/// <see cref="Apps"/> and <see cref="Except"/> narrow per-app probes (error-rate) to some targets. While faults are on a
/// probe must hold on every sample, or with <see cref="Eventually"/> on at least one (a circuit that must open).
/// </remarks>
public sealed record ProbeTolerance(string Probe, double? Max, double? Min, IReadOnlyList<string> Apps, IReadOnlyList<string> Except, bool Eventually = false)
{
    /// <summary>Whether <paramref name="value"/> is within the limits.</summary>
    public bool Holds(double value) => (Max is not { } max || value <= max) && (Min is not { } min || value >= min);

    /// <summary>The limits as text: "≤ 500", "≥ 1", "between 1 and 5".</summary>
    public string Limits => (Min, Max) switch
    {
        ({ } min, { } max) => $"between {min} and {max}",
        (null, { } max) => $"≤ {max}",
        ({ } min, null) => $"≥ {min}",
        _ => "any",
    };

    /// <summary>The probe with its scope, e.g. "error-rate (except trutalk)".</summary>
    public string Label => Probe + (Apps.Count > 0 ? $" (apps {string.Join(", ", Apps)})" : "") + (Except.Count > 0 ? $" (except {string.Join(", ", Except)})" : "");
}

/// <summary>
/// The traffic: tenants replaying a scenario's day on a real clock (beats <see cref="BeatInterval"/> apart), a new one
/// every 1/<see cref="TenantsPerSecond"/> s, for <see cref="Duration"/>; and the faults, each on a schedule within it.
/// </summary>
public sealed record ExperimentMethod(
    string ScenarioPath, TimeSpan BeatInterval, double TenantsPerSecond, int MaxTenantsInFlight, TimeSpan CircuitBreak, TimeSpan Duration,
    IReadOnlyList<FaultStep> Faults);

/// <summary>One injection: what (<see cref="Kind"/>), on what, with what size, from <see cref="At"/> for <see cref="For"/> after the method starts.</summary>
public sealed record FaultStep(string Kind, string? App, double? DelayMs, double? Factor, TimeSpan At, TimeSpan For)
{
    /// <summary>What it does, in words.</summary>
    public string Describe() => Kind switch
    {
        ExperimentFaultKinds.Burst => $"burst ×{Factor} traffic",
        ExperimentFaultKinds.KeyReplay => "replay used idempotency keys (same and altered payloads)",
        InjectedFaultKinds.AppOutage => $"{App} down",
        InjectedFaultKinds.DeliveryDelay => $"deliveries{(App is null ? "" : $" to {App}")} delayed {DelayMs} ms",
        InjectedFaultKinds.StorageOutage => "grain storage unavailable",
        _ => Kind,
    };
}

/// <summary>Fault kinds the runner itself injects into the traffic (the others are switched on in the silo).</summary>
public static class ExperimentFaultKinds
{
    /// <summary>New tenants start <see cref="FaultStep.Factor"/> times as fast.</summary>
    public const string Burst = "burst";

    /// <summary>Every tenant that finishes its day has its used keys published again, with the same and with an altered payload.</summary>
    public const string KeyReplay = "key-replay";

    /// <summary>Every kind an experiment file may name.</summary>
    public static readonly IReadOnlyList<string> All = [.. InjectedFaultKinds.All, Burst, KeyReplay];
}
