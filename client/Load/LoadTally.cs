using ApexOrleans.Client.Evidence;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Contracts.Idempotency;

namespace ApexOrleans.Client.Load;

/// <summary>The running totals of a load, added to by every finished tenant (thread-safe).</summary>
public sealed class LoadTally
{
    private const int FailuresKept = 20;
    private readonly Lock _gate = new();
    private readonly List<double> _meshLatencies = [];
    private readonly List<double> _publishLatencies = [];
    private readonly List<double> _recentMeshLatencies = [];
    private readonly List<string> _failures = [];
    private long _peakQueue, _peakActivations, _peakWorkingSet;

    /// <summary>Tenants whose day finished (passed or failed).</summary>
    public int Tenants { get; private set; }

    /// <summary>Tenants whose every must-pass criterion held.</summary>
    public int Passed { get; private set; }

    /// <summary>Tenants with a failed criterion.</summary>
    public int Failed { get; private set; }

    /// <summary>Tenants whose day threw.</summary>
    public int Errors { get; private set; }

    /// <summary>First publishes the mesh took: answered accepted, or duplicate when a retry of one found its event taken.</summary>
    public long Events { get; private set; }

    /// <summary>Completed deliveries.</summary>
    public long Deliveries { get; private set; }

    /// <summary>Adds a finished tenant.</summary>
    public void Add(RunRecord record, EvidenceFiles files, RunMetrics metrics, Scorecard scorecard, IReadOnlyList<double> publishMilliseconds)
    {
        var deliveries = files.Events.Where(e => e.Kind == "delivery").ToList();
        lock (_gate)
        {
            Tenants++;
            if (scorecard.Passed)
            {
                Passed++;
            }
            else
            {
                Failed++;
                Note($"{record.RunId}: failed {string.Join(", ", scorecard.Criteria.Where(c => !c.Holds && c.Level == CriterionLevel.Must).Select(c => $"{c.Id} ({Verdict.Text(c.Status)})"))}");
            }

            Events += record.Publishes.Count(p => !p.Repeated && p.Receipt.Status is (PublishStatus.Accepted or PublishStatus.Duplicate));
            Publishes += record.Publishes.Count;
            DistinctKeys += files.Events.Select(e => e.IdempotencyKey).Distinct(StringComparer.Ordinal).Count();
            Deliveries += deliveries.Count(d => d.Status == "delivered");
            Attempts += metrics.Attempts;
            Retries += metrics.Retries;
            FailedAttempts += metrics.FailedAttempts;
            Undelivered += metrics.Undelivered;
            InjectedDelayMs += metrics.InjectedDelayTotalMs;
            foreach (var delivery in deliveries.Where(d => d.Status == "delivered"))
            {
                var ms = RunMetrics.MeshLatency(delivery);
                _meshLatencies.Add(ms);
                _recentMeshLatencies.Add(ms);
            }

            _publishLatencies.AddRange(publishMilliseconds);
        }
    }

    /// <summary>Notes a tenant whose day could not finish.</summary>
    public void AddError(string tenant, Exception error)
    {
        lock (_gate)
        {
            Errors++;
            Note($"{tenant}: {error.GetType().Name}: {error.Message}");
        }
    }

    /// <summary>Notes something that went wrong around the tenants without breaking a guarantee (kept with the failures, not counted as one).</summary>
    public void AddWarning(string warning)
    {
        lock (_gate)
        {
            Note($"warning: {warning}");
        }
    }

    /// <summary>The last sample of the silo's figures (zeros before the first).</summary>
    public MeshStats LastSample { get; private set; } = new(0, 0, 0, 0, 0);

    /// <summary>Notes a sample of the silo's figures; returns the p99 of deliveries since the last sample.</summary>
    public double Sample(MeshStats stats)
    {
        lock (_gate)
        {
            LastSample = stats;
            _peakQueue = Math.Max(_peakQueue, stats.PendingDeliveries);
            _peakActivations = Math.Max(_peakActivations, stats.Activations);
            _peakWorkingSet = Math.Max(_peakWorkingSet, stats.WorkingSetBytes);
            var recent = LatencyFigures.Of(_recentMeshLatencies).P99;
            _recentMeshLatencies.Clear();
            return recent;
        }
    }

    /// <summary>The summary, with the last sample as the final figures.</summary>
    public LoadSummary Summarize(LoadSummary header, MeshStats final)
    {
        Sample(final);
        lock (_gate)
        {
            var seconds = Math.Max(header.WallSeconds, 1e-9);
            return header with
            {
                Tenants = Tenants,
                Events = Events,
                EventsPerSecond = Math.Round(Events / seconds, 1),
                Publishes = Publishes,
                DistinctIdempotencyKeys = DistinctKeys,
                Deliveries = Deliveries,
                DeliveriesPerSecond = Math.Round(Deliveries / seconds, 1),
                MeshLatencyMs = LatencyFigures.Of(_meshLatencies),
                PublishLatencyMs = LatencyFigures.Of(_publishLatencies),
                Attempts = Attempts,
                Retries = Retries,
                FailedAttempts = FailedAttempts,
                Undelivered = Undelivered,
                InjectedDelayTotalMs = InjectedDelayMs,
                QueueDepth = new PeakAndFinal(_peakQueue, final.PendingDeliveries),
                Activations = new PeakAndFinal(_peakActivations, final.Activations),
                WorkingSetBytes = new PeakAndFinal(_peakWorkingSet, final.WorkingSetBytes),
                TenantsPassed = Passed,
                TenantsFailed = Failed,
                Errors = Errors,
                Failures = [.. _failures],
            };
        }
    }

    private long Publishes { get; set; }

    private long DistinctKeys { get; set; }

    private long Attempts { get; set; }

    private long Retries { get; set; }

    private long FailedAttempts { get; set; }

    private long Undelivered { get; set; }

    private double InjectedDelayMs { get; set; }

    private void Note(string failure)
    {
        if (_failures.Count < FailuresKept)
        {
            _failures.Add(failure);
        }
    }
}
