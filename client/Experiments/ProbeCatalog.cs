namespace ApexOrleans.Client.Experiments;

/// <summary>When a probe can be read: on every sample while the experiment runs, or once over all tenants at the end.</summary>
public enum ProbeTiming
{
    /// <summary>Read from the silo on every sample.</summary>
    Live,

    /// <summary>Computed at the end from every tenant's evidence (read back and scored like apex run).</summary>
    Record,
}

/// <summary>A probe an experiment can name: what it measures, in which unit, and when it is read.</summary>
public sealed record ProbeDefinition(string Name, ProbeTiming Timing, string Unit, string Description);

/// <summary>The probes experiments can use.</summary>
public static class ProbeCatalog
{
    /// <summary>Every probe, by name.</summary>
    public static readonly IReadOnlyDictionary<string, ProbeDefinition> All = new[]
    {
        new ProbeDefinition("latency-p95", ProbeTiming.Live, "ms", "p95 wall-clock time the mesh spent per delivery completed in the last 5 s (injected delays and backoff excluded)"),
        new ProbeDefinition("error-rate", ProbeTiming.Live, "share", "failed delivery attempts over attempts in the last sample window (apps/except narrow it to targets)"),
        new ProbeDefinition("client-error-rate", ProbeTiming.Live, "share", "calls the traffic made to the silo (publishes and reads) that failed, over calls tried, in the last sample window"),
        new ProbeDefinition("queue-depth", ProbeTiming.Live, "deliveries", "deliveries waiting in the silo's queues now"),
        new ProbeDefinition("ready", ProbeTiming.Live, "1/0", "1 when the silo's storage answers (its readiness), else 0"),
        new ProbeDefinition("open-circuits", ProbeTiming.Live, "circuits", "circuits not closed now, over the silo's tenants"),
        new ProbeDefinition("duplicate-effects", ProbeTiming.Record, "effects", "(idempotency key, app) pairs that took more than one effect, over every tenant"),
        new ProbeDefinition("lost-events", ProbeTiming.Record, "deliveries", "accepted events' deliveries that did not end delivered (or failed over to a fallback that delivered them), over every tenant"),
        new ProbeDefinition("failed-over", ProbeTiming.Record, "deliveries", "deliveries handed to a target's fallback app (their retries spent, or the target's circuit open), over every tenant"),
        new ProbeDefinition("state-divergence", ProbeTiming.Record, "tenants", "tenants whose final data differs from the control day's"),
        new ProbeDefinition("failed-tenants", ProbeTiming.Record, "tenants", "tenants that failed a must-pass criterion of apex run's scorecard"),
        new ProbeDefinition("dropped-tenants", ProbeTiming.Record, "tenants", "tenants the traffic could not start because maxTenantsInFlight were still running (work the mesh did not keep up with)"),
        new ProbeDefinition("replays-executed", ProbeTiming.Record, "replays", "replayed used keys that were executed again (not answered as a duplicate or refused)"),
        new ProbeDefinition("replays-refused", ProbeTiming.Record, "replays", "replayed used keys answered with the original receipt or refused"),
    }.ToDictionary(p => p.Name);
}
