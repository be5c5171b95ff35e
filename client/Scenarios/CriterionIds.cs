namespace ApexOrleans.Client.Scenarios;

/// <summary>The ids of the scorecard's criteria, as scorecard.json and a scenario's <c>"criteria"</c> name them.</summary>
public static class CriterionIds
{
    /// <summary>No event changes any app twice.</summary>
    public const string Idempotency = "idempotency";

    /// <summary>Every duplicate is refused.</summary>
    public const string Deduplication = "deduplication";

    /// <summary>The scenario's outage stays isolated (its app's circuit opens, or its deliveries fail over; no other app is held up).</summary>
    public const string CircuitBreaker = "circuit-breaker";

    /// <summary>The outage app recovers and its queue drains.</summary>
    public const string Recovery = "recovery";

    /// <summary>Every retried delivery ends delivered.</summary>
    public const string Retries = "retries";

    /// <summary>Delayed and held events are applied; the final state equals the control.</summary>
    public const string OutOfOrder = "out-of-order";

    /// <summary>Nothing accepted is lost.</summary>
    public const string NothingLost = "nothing-lost";

    /// <summary>Every beat's data proofs hold.</summary>
    public const string AllBeats = "all-beats";

    /// <summary>Mesh latency p95 under 500 ms.</summary>
    public const string LatencyP95 = "latency-p95";

    /// <summary>Error rate under 10 %.</summary>
    public const string ErrorRate = "error-rate";

    /// <summary>Zero data corruption.</summary>
    public const string ZeroCorruption = "zero-corruption";

    /// <summary>No circuit but the outage app's opened (failures do not spill).</summary>
    public const string Isolation = "isolation";

    /// <summary>The outage app's circuit closed on its own before the last beat.</summary>
    public const string AutonomousRecovery = "autonomous-recovery";

    /// <summary>The must-pass criteria: the run fails unless each passed (or was not exercised, as the scenario expects).</summary>
    public static readonly IReadOnlySet<string> MustPass = new HashSet<string>(StringComparer.Ordinal)
    {
        Idempotency, Deduplication, CircuitBreaker, Recovery, Retries, OutOfOrder, NothingLost,
    };

    /// <summary>Every id, in scorecard order.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        Idempotency, Deduplication, CircuitBreaker, Recovery, Retries, OutOfOrder, NothingLost,
        AllBeats, LatencyP95, ErrorRate, ZeroCorruption, Isolation, AutonomousRecovery,
    ];
}
