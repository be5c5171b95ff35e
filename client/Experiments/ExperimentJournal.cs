using System.Text.Json;
using ApexOrleans.Contracts.Serialization;
namespace ApexOrleans.Client.Experiments;

/// <summary>How an experiment run ended.</summary>
public static class ExperimentStatus
{
    /// <summary>Every check held: the steady state before and after, what was expected during, the RTO and the guarantees.</summary>
    public const string Completed = "completed";

    /// <summary>It ran to its end, but a probe broke its tolerance (or recovery took longer than the RTO).</summary>
    public const string Failed = "failed";

    /// <summary>A safeguard tripped: every fault was reverted at once and the method stopped.</summary>
    public const string Aborted = "aborted";

    /// <summary>The kill switch was pulled (apex experiment halt, the silo's API, or Ctrl-C): every fault was reverted at once.</summary>
    public const string Interrupted = "interrupted";
}

/// <summary>One probe checked against its tolerance in one phase: its value, and whether it held.</summary>
public sealed record ProbeCheck(string Phase, string Probe, string Label, string Limits, double? Value, bool Passed, string Detail)
{
    /// <summary><paramref name="probe"/> checked in <paramref name="phase"/> at <paramref name="value"/>; unless told, the detail says what the probe measures.</summary>
    internal static ProbeCheck Of(string phase, ProbeTolerance probe, double value, string? detail = null) =>
        new(phase, probe.Probe, probe.Label, probe.Limits, value, probe.Holds(value),
            detail ?? $"{ProbeCatalog.All[probe.Probe].Description}: {ProbeFormat.Value(value)} {ProbeCatalog.All[probe.Probe].Unit}");
}

/// <summary>One injection: what, when it went on and off (wall clock), and what switched it off.</summary>
public sealed record InjectionRecord(string Kind, string Description, string? SiloFaultId, DateTimeOffset? InjectedAt, DateTimeOffset? RevertedAt, string RevertedBy);

/// <summary>The kill switch or a safeguard: who pulled it, why, when, and how long until every fault was off.</summary>
public sealed record HaltRecord(HaltSource Source, string Reason, DateTimeOffset RequestedAt, DateTimeOffset RevertedAt, double TimeToRevertMs);

/// <summary>Recovery against the RTO: from the last fault reverted to the steady state back with every tenant started by then settled.</summary>
public sealed record RecoveryRecord(DateTimeOffset? RevertedAt, DateTimeOffset? RecoveredAt, double? Seconds, double RtoSeconds, bool WithinRto, string Detail);

/// <summary>The traffic the experiment drove.</summary>
public sealed record TrafficRecord(
    string Scenario, string ScenarioSha256, double BeatIntervalMs, double TenantsPerSecond, int TenantsStarted, int TenantsScored, int TenantsSkipped,
    long CallsTried, long CallFailures, int ReplaysTried, int ReplaysRefused, int ReplaysExecuted);

/// <summary>One sample of the live probes, with the phase it was taken in and the seconds since the run started.</summary>
public sealed record ProbeSample(double Seconds, string Phase, IReadOnlyDictionary<string, double> Values, IReadOnlyList<string> FaultsOn);

/// <summary>
/// The journal of one experiment run: what was tried and by whom, the probes before, during and after, every
/// injection, the kill switch if pulled, recovery against the RTO, and the verdict. It is the run's record.
/// </summary>
public sealed record ExperimentJournal
{
    /// <summary>A journal as a silo reports it (the mesh's wire JSON).</summary>
    public static ExperimentJournal FromSilo(JsonElement reported) =>
        reported.Deserialize<ExperimentJournal>(MeshJson.Options) ?? throw new InvalidDataException("The silo reported an empty experiment journal.");

    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>The experiment's catalogue id.</summary>
    public required string ExperimentId { get; init; }

    /// <summary>Its title.</summary>
    public required string Title { get; init; }

    /// <summary>Who answers for it.</summary>
    public required string Owner { get; init; }

    /// <summary>The hypothesis, as written.</summary>
    public required string Hypothesis { get; init; }

    /// <summary>The outcome expected, as written.</summary>
    public required string ExpectedOutcome { get; init; }

    /// <summary>The rollback, as written.</summary>
    public required string Rollback { get; init; }

    /// <summary>The experiment file and its SHA-256.</summary>
    public required string ExperimentFile { get; init; }

    /// <summary>SHA-256 of the experiment file.</summary>
    public required string ExperimentSha256 { get; init; }

    /// <summary>Where the silo ran: embedded or its URL.</summary>
    public required string Silo { get; init; }

    /// <summary>Its storage.</summary>
    public required string Storage { get; init; }

    /// <summary>When it started (wall clock).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it finished.</summary>
    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>completed, failed, aborted or interrupted (<see cref="ExperimentStatus"/>).</summary>
    public required string Status { get; init; }

    /// <summary>Whether the hypothesis held: status completed.</summary>
    public required bool Passed { get; init; }

    /// <summary>The verdict in one sentence, naming the probe that broke if one did.</summary>
    public required string Verdict { get; init; }

    /// <summary>Every check: steady state before, expected during, steady state after, and the end-of-run guarantees.</summary>
    public required IReadOnlyList<ProbeCheck> Checks { get; init; }

    /// <summary>Every injection.</summary>
    public required IReadOnlyList<InjectionRecord> Injections { get; init; }

    /// <summary>The kill switch or safeguard, when one stopped it.</summary>
    public HaltRecord? Halt { get; init; }

    /// <summary>Recovery against the RTO (null when the run stopped before it could be measured).</summary>
    public RecoveryRecord? Recovery { get; init; }

    /// <summary>The traffic.</summary>
    public required TrafficRecord Traffic { get; init; }

    /// <summary>Every sample of the live probes.</summary>
    public required IReadOnlyList<ProbeSample> Samples { get; init; }

    /// <summary>Things worth knowing that are not checks (tenants that could not be scored, a silo that could not record it).</summary>
    public required IReadOnlyList<string> Notes { get; init; }
}
