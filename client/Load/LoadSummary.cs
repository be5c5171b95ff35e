using ApexOrleans.Contracts.Diagnostics;

namespace ApexOrleans.Client.Load;

/// <summary>
/// load.json: what a load did and how fast. Rates are over the load phase's wall time (start-up and the control
/// run excluded). Mesh latency is the wall time the mesh spent per delivery (its attempts), so injected delays and
/// backoff are not in it; they are reported apart, on the tenants' clocks.
/// </summary>
public sealed record LoadSummary
{
    /// <summary>The load's id; each tenant is <c>{LoadId}-{index}</c>.</summary>
    public required string LoadId { get; init; }

    /// <summary>Scenario name.</summary>
    public required string Scenario { get; init; }

    /// <summary>SHA-256 of the scenario file.</summary>
    public required string ScenarioSha256 { get; init; }

    /// <summary>embedded or the silo's URL.</summary>
    public required string Silo { get; init; }

    /// <summary>memory, sqlite or postgres.</summary>
    public required string Storage { get; init; }

    /// <summary>The first tenant's seed (tenant i: seed + i).</summary>
    public long FirstSeed { get; init; }

    /// <summary>Tenants asked for (null: as many as the duration allowed).</summary>
    public int? TenantsRequested { get; init; }

    /// <summary>Tenants that ran their day.</summary>
    public int Tenants { get; init; }

    /// <summary>Tenants in flight at once.</summary>
    public int Concurrency { get; init; }

    /// <summary>The duration limit, if one was given.</summary>
    public double? DurationLimitSeconds { get; init; }

    /// <summary>Wall-clock start of the load phase.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Wall-clock end.</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Wall seconds of the load phase.</summary>
    public double WallSeconds { get; init; }

    /// <summary>First publishes the mesh took (repeats excluded): answered accepted, or duplicate when a retry found its event taken.</summary>
    public long Events { get; init; }

    /// <summary>Events per second.</summary>
    public double EventsPerSecond { get; init; }

    /// <summary>Publishes in all, scripted repeats included.</summary>
    public long Publishes { get; init; }

    /// <summary>Distinct idempotency keys used (every key a tenant published under).</summary>
    public long DistinctIdempotencyKeys { get; init; }

    /// <summary>Completed deliveries (every target of every event and reaction).</summary>
    public long Deliveries { get; init; }

    /// <summary>Deliveries per second.</summary>
    public double DeliveriesPerSecond { get; init; }

    /// <summary>Wall time the mesh spent per delivery.</summary>
    public LatencyFigures MeshLatencyMs { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>Wall time of each publish as the client saw it (accepted durably, receipt back).</summary>
    public LatencyFigures PublishLatencyMs { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>Delivery attempts.</summary>
    public long Attempts { get; init; }

    /// <summary>Attempts after a delivery's first.</summary>
    public long Retries { get; init; }

    /// <summary>Attempts that failed (injected faults, open circuits not counted: they make no attempt).</summary>
    public long FailedAttempts { get; init; }

    /// <summary>Deliveries still pending or dead-lettered at the end.</summary>
    public long Undelivered { get; init; }

    /// <summary>Injected out-of-order delay, summed over deliveries (tenants' clocks).</summary>
    public double InjectedDelayTotalMs { get; init; }

    /// <summary>Peak and final deliveries waiting in queues (sampled).</summary>
    public PeakAndFinal QueueDepth { get; init; } = new(0, 0);

    /// <summary>Peak and final activations in the silo (sampled).</summary>
    public PeakAndFinal Activations { get; init; } = new(0, 0);

    /// <summary>Peak and final resident memory of the silo's process, bytes (sampled).</summary>
    public PeakAndFinal WorkingSetBytes { get; init; } = new(0, 0);

    /// <summary>
    /// What the silo's SQL storage committed during the load phase (every tenant's day, its evidence read back and its
    /// retirement): null when the storage does not count its writes.
    /// </summary>
    public StorageWriteFigures? StorageWrites { get; init; }

    /// <summary>Tenants whose every must-pass criterion held.</summary>
    public int TenantsPassed { get; init; }

    /// <summary>Tenants with a failed criterion (first few named in <see cref="Failures"/>).</summary>
    public int TenantsFailed { get; init; }

    /// <summary>Tenants whose day could not finish (an error).</summary>
    public int Errors { get; init; }

    /// <summary>The first failures and errors, by tenant.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>Whether every tenant ran and passed.</summary>
    public bool Passed => Errors == 0 && TenantsFailed == 0 && Tenants > 0;
}

/// <summary>State writes a load committed, their payload bytes, and both per event (a first publish) and per write.</summary>
public sealed record StorageWriteFigures(long Writes, long Bytes, double PerEvent, double BytesPerWrite)
{
    /// <summary>The writes between two readings of a silo's figures, over <paramref name="events"/>; null unless both counted them.</summary>
    public static StorageWriteFigures? Between(StorageWrites? before, StorageWrites? after, long events)
    {
        if (before is null || after is null)
        {
            return null;
        }

        var (writes, bytes) = (after.Writes - before.Writes, after.Bytes - before.Bytes);
        return new StorageWriteFigures(writes, bytes, Math.Round(writes / (double)Math.Max(1, events), 2), Math.Round(bytes / (double)Math.Max(1, writes)));
    }
}

/// <summary>A sampled figure's peak and its last value.</summary>
public sealed record PeakAndFinal(long Peak, long Final);
