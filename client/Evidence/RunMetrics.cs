using ApexOrleans.Contracts.Diagnostics;

namespace ApexOrleans.Client.Evidence;

/// <summary>One beat's latencies.</summary>
public sealed record BeatLatency(long Beat, LatencyFigures MeshLatencyMs);

/// <summary>
/// metrics.json. Mesh latency is the wall-clock time the mesh spent delivering (the sum of a delivery's attempts),
/// so injected delays and backoff are not in it; they are reported apart, on the run's clock.
/// </summary>
public sealed record RunMetrics(
    LatencyFigures MeshLatencyMs,
    IReadOnlyList<BeatLatency> PerBeat,
    LatencyFigures DeliveryTimeOnRunClockMs,
    int Deliveries,
    int Attempts,
    int Retries,
    int FailedAttempts,
    int Undelivered,
    double ErrorRate,
    double AttemptFailureRate,
    double InjectedDelayTotalMs,
    int Held)
{
    /// <summary>Computes the metrics from the event lines.</summary>
    public static RunMetrics From(IReadOnlyList<EventLine> events)
    {
        var deliveries = events.Where(e => e.Kind == "delivery").ToList();
        var attempts = deliveries.Sum(d => d.Attempts.Count);
        var failed = deliveries.Sum(d => d.Attempts.Count(a => !a.Succeeded));
        var undelivered = deliveries.Count(d => !d.Ended);
        return new RunMetrics(
            LatencyFigures.Of(deliveries.Select(MeshLatency)),
            deliveries.GroupBy(d => d.Beat).OrderBy(g => g.Key).Select(g => new BeatLatency(g.Key, LatencyFigures.Of(g.Select(MeshLatency)))).ToList(),
            LatencyFigures.Of(deliveries.Where(d => d.CompletedAt is not null).Select(d => (d.CompletedAt!.Value - d.At).TotalMilliseconds)),
            deliveries.Count,
            attempts,
            attempts - deliveries.Count(d => d.Attempts.Count > 0),
            failed,
            undelivered,
            deliveries.Count == 0 ? 0 : Math.Round((double)undelivered / deliveries.Count, 4),
            attempts == 0 ? 0 : Math.Round((double)failed / attempts, 4),
            deliveries.Sum(d => d.InjectedDelayMs),
            deliveries.Count(d => d.Outcome == "Held"));
    }

    /// <summary>The wall-clock time the mesh spent on one delivery.</summary>
    public static double MeshLatency(EventLine delivery) => delivery.Attempts.Sum(a => a.WallMs);
}
