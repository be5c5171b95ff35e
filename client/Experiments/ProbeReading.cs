using ApexOrleans.Contracts.Diagnostics;

namespace ApexOrleans.Client.Experiments;

/// <summary>What one sample saw: the silo's figures, its readiness, and the traffic's own call counters.</summary>
public sealed record ProbeReading(DateTimeOffset At, MeshStats Stats, bool Ready, long CallsTried, long CallFailures)
{
    /// <summary>
    /// The value of live probe <paramref name="probe"/> over the readings <paramref name="window"/> (oldest first):
    /// rates between the first and the last, levels at their worst (queue depth and open circuits at their highest,
    /// readiness at its lowest), latency as the last reading's recent p95.
    /// </summary>
    public static double Value(ProbeTolerance probe, IReadOnlyList<ProbeReading> window)
    {
        var first = window[0];
        var last = window[^1];
        return probe.Probe switch
        {
            ProbeCatalog.LatencyP95 => last.Stats.Flow.RecentLatencyMs.P95,
            ProbeCatalog.ErrorRate => ErrorRate(probe, first, last),
            ProbeCatalog.ClientErrorRate => Share(last.CallFailures - first.CallFailures, last.CallsTried - first.CallsTried),
            ProbeCatalog.QueueDepth => window.Max(r => r.Stats.PendingDeliveries),
            ProbeCatalog.Ready => window.Min(r => r.Ready ? 1 : 0),
            ProbeCatalog.OpenCircuits => window.Max(r => r.Stats.Flow.CircuitsNotClosed),
            _ => throw new ArgumentException($"'{probe.Probe}' is not a live probe."),
        };
    }

    private static double ErrorRate(ProbeTolerance probe, ProbeReading first, ProbeReading last)
    {
        bool Counts(string app) => (probe.Apps.Count == 0 || probe.Apps.Contains(app)) && !probe.Except.Contains(app);
        long attempts = 0, failed = 0;
        foreach (var (app, flow) in last.Stats.Flow.ByTarget.Where(t => Counts(t.Key)))
        {
            var before = first.Stats.Flow.ByTarget.GetValueOrDefault(app);
            attempts += flow.Attempts - (before?.Attempts ?? 0);
            failed += flow.Failed - (before?.Failed ?? 0);
        }

        return Share(failed, attempts);
    }

    // No calls in the window: nothing failed.
    private static double Share(long part, long whole) => whole <= 0 ? 0 : Math.Round((double)part / whole, 4);
}
