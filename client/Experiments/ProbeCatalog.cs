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

/// <summary>The probes experiments can use: their names are spelled here only, and every reader of a probe refers to them.</summary>
public static class ProbeCatalog
{
    /// <summary>Live: recent p95 latency of deliveries.</summary>
    public const string LatencyP95 = "latency-p95";

    /// <summary>Live: failed delivery attempts over attempts.</summary>
    public const string ErrorRate = "error-rate";

    /// <summary>Live: the traffic's failed calls over calls tried.</summary>
    public const string ClientErrorRate = "client-error-rate";

    /// <summary>Live: deliveries waiting in the silo's queues.</summary>
    public const string QueueDepth = "queue-depth";

    /// <summary>Live: the silo's readiness, 1 or 0.</summary>
    public const string Ready = "ready";

    /// <summary>Live: circuits not closed.</summary>
    public const string OpenCircuits = "open-circuits";

    /// <summary>End of run: effects taken more than once.</summary>
    public const string DuplicateEffects = "duplicate-effects";

    /// <summary>End of run: deliveries that did not end delivered.</summary>
    public const string LostEvents = "lost-events";

    /// <summary>End of run: deliveries handed to a fallback app.</summary>
    public const string FailedOver = "failed-over";

    /// <summary>End of run: tenants whose data differs from the control day's.</summary>
    public const string StateDivergence = "state-divergence";

    /// <summary>End of run: tenants that failed a must-pass criterion.</summary>
    public const string FailedTenants = "failed-tenants";

    /// <summary>End of run: tenants the traffic could not start.</summary>
    public const string DroppedTenants = "dropped-tenants";

    /// <summary>End of run: replayed keys executed again.</summary>
    public const string ReplaysExecuted = "replays-executed";

    /// <summary>End of run: replayed keys answered as duplicates or refused.</summary>
    public const string ReplaysRefused = "replays-refused";

    /// <summary>Every probe, by name.</summary>
    public static readonly IReadOnlyDictionary<string, ProbeDefinition> All = new[]
    {
        new ProbeDefinition(LatencyP95, ProbeTiming.Live, "ms", "p95 wall-clock time the mesh spent per delivery completed in the last 5 s (injected delays and backoff excluded)"),
        new ProbeDefinition(ErrorRate, ProbeTiming.Live, "share", "failed delivery attempts over attempts in the last sample window (apps/except narrow it to targets)"),
        new ProbeDefinition(ClientErrorRate, ProbeTiming.Live, "share", "calls the traffic made to the silo (publishes and reads) that failed, over calls tried, in the last sample window"),
        new ProbeDefinition(QueueDepth, ProbeTiming.Live, "deliveries", "deliveries waiting in the silo's queues now"),
        new ProbeDefinition(Ready, ProbeTiming.Live, "1/0", "1 when the silo's storage answers (its readiness), else 0"),
        new ProbeDefinition(OpenCircuits, ProbeTiming.Live, "circuits", "circuits not closed now, over the silo's tenants"),
        new ProbeDefinition(DuplicateEffects, ProbeTiming.Record, "effects", "(idempotency key, app) pairs that took more than one effect, over every tenant"),
        new ProbeDefinition(LostEvents, ProbeTiming.Record, "deliveries", "accepted events' deliveries that did not end delivered (or failed over to a fallback that delivered them), over every tenant"),
        new ProbeDefinition(FailedOver, ProbeTiming.Record, "deliveries", "deliveries handed to a target's fallback app (their retries spent, or the target's circuit open), over every tenant"),
        new ProbeDefinition(StateDivergence, ProbeTiming.Record, "tenants", "tenants whose final data differs from the control day's"),
        new ProbeDefinition(FailedTenants, ProbeTiming.Record, "tenants", "tenants that failed a must-pass criterion of apex run's scorecard"),
        new ProbeDefinition(DroppedTenants, ProbeTiming.Record, "tenants", "tenants the traffic could not start because maxTenantsInFlight were still running (work the mesh did not keep up with)"),
        new ProbeDefinition(ReplaysExecuted, ProbeTiming.Record, "replays", "replayed used keys that were executed again (not answered as a duplicate or refused)"),
        new ProbeDefinition(ReplaysRefused, ProbeTiming.Record, "replays", "replayed used keys answered with the original receipt or refused"),
    }.ToDictionary(p => p.Name);

    /// <summary>Whether <paramref name="probe"/> is read on every sample (it names a catalog probe).</summary>
    public static bool IsLive(ProbeTolerance probe) => All[probe.Probe].Timing == ProbeTiming.Live;
}
