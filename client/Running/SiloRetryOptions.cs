namespace ApexOrleans.Client.Running;

/// <summary>How long and how often a session waits for silos that went away, and how long it gives one request or probe.</summary>
public sealed record SiloRetryOptions
{
    /// <summary>How long a call waits for a silo that went away to serve it again before it gives up.</summary>
    public TimeSpan RecoveryTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The pause before a call is tried again, so that a silo still answering 503 (a cluster declaring a silo dead) or
    /// not yet ready is not asked in a tight loop.
    /// </summary>
    public TimeSpan RetryPause { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a readiness probe waits for its answer: a silo that hangs (paused, cut off) is not ready.</summary>
    public TimeSpan ReadinessProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one request may take before the silo counts as hanging: long enough for the slowest call of a day (a
    /// settle waits for the silo's queues to drain).
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
