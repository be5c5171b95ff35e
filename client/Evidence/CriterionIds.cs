namespace ApexOrleans.Client.Evidence;

/// <summary>The ids of the criteria <see cref="Scorecard"/> produces, in its order: the names a scenario's <c>criteria</c> may use.</summary>
public static class CriterionIds
{
    /// <summary>Every criterion id, must-pass first, as the scorecard lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "idempotency", "deduplication", "circuit-breaker", "recovery", "retries", "out-of-order", "nothing-lost",
        "all-beats", "latency-p95", "error-rate", "zero-corruption", "isolation", "autonomous-recovery",
    ];
}
