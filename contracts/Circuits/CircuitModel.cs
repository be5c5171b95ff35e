
namespace ApexOrleans.Contracts.Circuits;

/// <summary>The states of a circuit.</summary>
[GenerateSerializer]
public enum CircuitStatus
{
    /// <summary>Calls go through; consecutive failures are counted.</summary>
    Closed,

    /// <summary>Calls fail fast without reaching the target until the break is over.</summary>
    Open,

    /// <summary>The break is over: a few probe calls decide between closed and open.</summary>
    HalfOpen,
}

/// <summary>One change of state: when (tenant clock), from, to, why, and the event whose attempt caused it.</summary>
[GenerateSerializer]
public sealed record CircuitTransition(DateTimeOffset At, CircuitStatus From, CircuitStatus To, string Cause, string? EventId);

/// <summary>The answer to "may I call the target now?", with the failures the circuit has counted in a row so far.</summary>
[GenerateSerializer]
public sealed record CircuitPermit(bool Allowed, bool Probe, DateTimeOffset? RetryAt, CircuitStatus Status, int ConsecutiveFailures = 0)
{
    /// <summary>
    /// Whether reporting a success on this permit would change nothing: the circuit is closed and has counted no failure.
    /// Only its one queue reports to a circuit, within the turn that took the permit, so the caller may leave it unsent.
    /// </summary>
    public bool SuccessChangesNothing => Status == CircuitStatus.Closed && ConsecutiveFailures == 0;
}

/// <summary>A circuit as read back from its grain.</summary>
[GenerateSerializer]
public sealed record CircuitSnapshot(
    string Target, CircuitStatus Status, int ConsecutiveFailures, DateTimeOffset? OpenUntil, IReadOnlyList<CircuitTransition> Transitions);

/// <summary>The persisted state of a circuit.</summary>
[GenerateSerializer]
public sealed class CircuitState
{
    /// <summary>The current status.</summary>
    [Id(0)]
    public CircuitStatus Status { get; set; }

    /// <summary>Failures in a row while closed.</summary>
    [Id(1)]
    public int ConsecutiveFailures { get; set; }

    /// <summary>Openings in a row without a successful probe in between (grows the break).</summary>
    [Id(2)]
    public int Openings { get; set; }

    /// <summary>When an open circuit lets a probe through.</summary>
    [Id(3)]
    public DateTimeOffset? OpenUntil { get; set; }

    /// <summary>Probes let through in the current half-open period.</summary>
    [Id(4)]
    public int ProbesInFlight { get; set; }

    /// <summary>After this, a probe that never reported counts as lost and another may go.</summary>
    [Id(5)]
    public DateTimeOffset? ProbeLeaseUntil { get; set; }

    /// <summary>Every transition, oldest first.</summary>
    [Id(6)]
    public List<CircuitTransition> Transitions { get; set; } = [];
}
