using ApexOrleans.Client.Evidence;

namespace ApexOrleans.Client.Verification;

/// <summary>metrics.json is what the bundle's events add up to: every figure computed again from events.jsonl.</summary>
public static class MetricsCheck
{
    /// <summary>The name of the invariant in <c>apex verify</c>'s report.</summary>
    public const string Name = "metrics.json derived again from the events";

    /// <summary>Compares metrics.json with <paramref name="derived"/>, the metrics of the bundle's events (<see cref="RunMetrics.From"/>).</summary>
    public static InvariantCheck Check(string metricsJson, RunMetrics derived)
    {
        var differences = JsonDifferences.OfFile("metrics.json", metricsJson, derived);
        return new InvariantCheck(Name, differences.Count == 0,
            differences.Count == 0 ? $"every figure equals the events' ({derived.Deliveries} deliveries)" : string.Join("; ", differences));
    }
}
