using System.Diagnostics.Metrics;
using System.Threading.Channels;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Contracts.Idempotency;

namespace ApexOrleans.Grains.Diagnostics;

/// <summary>
/// The mesh's observability: System.Diagnostics.Metrics instruments (meter <see cref="MeterName"/>: publishes,
/// attempts by fault and result, deliveries, circuit transitions, delivery latency) and a bounded feed of recent
/// activity that dashboards read and stream. Nothing here is evidence: evidence is read from grain state.
/// </summary>
public sealed class MeshTelemetry : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ApexOrleans.Mesh";

    private const int FeedSize = 1000;
    private const int LatencySampleLimit = 20_000;
    private readonly Meter _meter = new(MeterName, "1.0");
    private readonly Counter<long> _published;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _failovers;
    private readonly Histogram<double> _latency;
    private readonly TimeProvider _wall;
    private readonly Lock _gate = new();
    private readonly LinkedList<MeshActivity> _feed = new();
    private readonly Queue<LatencySample> _latencies = new();
    private readonly List<Channel<MeshActivity>> _subscribers = [];
    private long _pendingDeliveries;
    private long _publishedTotal;
    private long _attemptsTotal;
    private long _failedAttemptsTotal;
    private long _deliveredTotal;
    private long _circuitsNotClosed;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TargetFlowCounter> _byTarget = new();

    /// <summary>Creates the instruments.</summary>
    public MeshTelemetry(TimeProvider wall)
    {
        _wall = wall;
        _published = _meter.CreateCounter<long>("apex.events.published", description: "Publishes accepted, by source app");
        _attempts = _meter.CreateCounter<long>("apex.delivery.attempts", description: "Delivery attempts, by target, injected fault and result");
        _deliveries = _meter.CreateCounter<long>("apex.deliveries", description: "Deliveries completed, by target and outcome");
        _transitions = _meter.CreateCounter<long>("apex.circuit.transitions", description: "Circuit transitions, by target and new state");
        _failovers = _meter.CreateCounter<long>("apex.delivery.failovers", description: "Deliveries handed to a fallback app (retries spent or circuit open), by target and fallback");
        _latency = _meter.CreateHistogram<double>("apex.delivery.latency", "ms", "Wall-clock time the mesh spent per delivery (its attempts), injected delays excluded");
        _meter.CreateObservableGauge("apex.delivery.pending", () => PendingDeliveries, description: "Deliveries waiting in the queues of active delivery grains");
    }

    /// <summary>Deliveries waiting in the queues of active delivery grains, across tenants.</summary>
    public long PendingDeliveries => Interlocked.Read(ref _pendingDeliveries);

    /// <summary>A delivery queue's length changed by <paramref name="delta"/> (it reports each change once, and its whole length when it goes).</summary>
    public void QueueDepthChanged(long delta) => Interlocked.Add(ref _pendingDeliveries, delta);

    /// <summary>Adds an observable gauge to the meter (the silo adds activation counts).</summary>
    public void Observe(string name, Func<long> value, string description) => _meter.CreateObservableGauge(name, value, description: description);

    /// <summary>A publish was accepted.</summary>
    public void Published(PublishReceipt receipt, DateTimeOffset runTime)
    {
        _published.Add(1, new KeyValuePair<string, object?>("source", receipt.SourceApp));
        Interlocked.Increment(ref _publishedTotal);
        Record(new MeshActivity(_wall.GetUtcNow(), runTime, receipt.Tenant, "publish", receipt.EventType,
            $"{receipt.IdempotencyKey} → {string.Join(", ", receipt.Targets)}", null, TraceParents.TraceIdOf(receipt.TraceParent)));
    }

    /// <summary>A delivery to <paramref name="target"/> was handed to its fallback <paramref name="fallback"/>.</summary>
    public void FailedOver(string tenant, string target, string fallback, DeliveryItem item)
    {
        _failovers.Add(1, new KeyValuePair<string, object?>("target", target), new("fallback", fallback));
        Record(new MeshActivity(_wall.GetUtcNow(), item.CompletedAt ?? default, tenant, "failover", target,
            $"{item.Delivery.Envelope.EventType} ({item.Delivery.Envelope.IdempotencyKey}) failed over to {fallback}", null, TraceParents.TraceIdOf(item.TraceParent)));
    }

    /// <summary>An attempt of a delivery ended.</summary>
    public void Attempted(string tenant, string target, DeliveryItem item, AttemptRecord attempt)
    {
        _attempts.Add(1, new("target", target), new("fault", attempt.Fault.ToString()), new("result", attempt.Succeeded ? "ok" : "failed"));
        Interlocked.Increment(ref _attemptsTotal);
        var counter = _byTarget.GetOrAdd(target, _ => new TargetFlowCounter());
        Interlocked.Increment(ref counter.Attempts);
        if (!attempt.Succeeded)
        {
            Interlocked.Increment(ref _failedAttemptsTotal);
            Interlocked.Increment(ref counter.Failed);
            Record(new MeshActivity(_wall.GetUtcNow(), attempt.At, tenant, "attempt", target,
                $"{item.Delivery.Envelope.EventType} attempt {attempt.Number} failed: {attempt.Error}", null, TraceParents.TraceIdOf(item.TraceParent)));
            return;
        }

        var latency = item.Attempts.Sum(a => a.WallMilliseconds);
        Interlocked.Increment(ref _deliveredTotal);
        _deliveries.Add(1, new KeyValuePair<string, object?>("target", target), new("outcome", attempt.Outcome?.ToString()));
        _latency.Record(latency, new KeyValuePair<string, object?>("target", target));
        lock (_gate)
        {
            _latencies.Enqueue(new LatencySample(_wall.GetUtcNow(), latency));
            while (_latencies.Count > LatencySampleLimit)
            {
                _latencies.Dequeue();
            }
        }

        Record(new MeshActivity(_wall.GetUtcNow(), attempt.At, tenant, "delivered", target,
            $"{item.Delivery.Envelope.EventType} {attempt.Outcome} after {item.Attempts.Count} attempt(s)", latency, TraceParents.TraceIdOf(item.TraceParent)));
    }

    /// <summary>A circuit changed state.</summary>
    public void CircuitMoved(string tenant, string target, CircuitTransition transition)
    {
        _transitions.Add(1, new KeyValuePair<string, object?>("target", target), new("to", transition.To.ToString()));
        if (transition.From == CircuitStatus.Closed && transition.To != CircuitStatus.Closed)
        {
            Interlocked.Increment(ref _circuitsNotClosed);
        }
        else if (transition.From != CircuitStatus.Closed && transition.To == CircuitStatus.Closed)
        {
            Interlocked.Decrement(ref _circuitsNotClosed);
        }

        Record(new MeshActivity(_wall.GetUtcNow(), transition.At, tenant, "circuit", target, $"{transition.From} → {transition.To}: {transition.Cause}", null));
    }

    /// <summary>The most recent activity, newest last, optionally of one tenant.</summary>
    public IReadOnlyList<MeshActivity> Recent(string? tenant, int count)
    {
        lock (_gate)
        {
            return _feed.Where(a => tenant is null || a.Tenant == tenant).TakeLast(count).ToList();
        }
    }

    /// <summary>
    /// The mesh's running totals since the silo started (publishes, attempts, failures, deliveries, by target), circuits
    /// not closed now, and the latency of deliveries completed in the last <paramref name="recent"/>: what experiments
    /// probe, by differencing two readings.
    /// </summary>
    public MeshFlow Flow(TimeSpan recent)
    {
        var since = _wall.GetUtcNow() - recent;
        List<double> latencies;
        lock (_gate)
        {
            latencies = _latencies.Where(l => l.At >= since).Select(l => l.Ms).ToList();
        }

        return new MeshFlow(
            Interlocked.Read(ref _publishedTotal), Interlocked.Read(ref _attemptsTotal), Interlocked.Read(ref _failedAttemptsTotal),
            Interlocked.Read(ref _deliveredTotal), Interlocked.Read(ref _circuitsNotClosed),
            _byTarget.ToDictionary(t => t.Key, t => new TargetFlow(Interlocked.Read(ref t.Value.Attempts), Interlocked.Read(ref t.Value.Failed))),
            recent.TotalSeconds, LatencyFigures.Of(latencies));
    }

    /// <summary>Delivery latency percentiles per slice of wall-clock time, oldest first.</summary>
    public IReadOnlyList<LatencyPoint> LatencySeries(TimeSpan slice) => SeriesOf(LatencySamples(), slice);

    /// <summary>The latency samples kept (the last 20,000 deliveries), oldest first.</summary>
    public LatencySample[] LatencySamples()
    {
        lock (_gate)
        {
            return [.. _latencies];
        }
    }

    /// <summary>Percentiles per slice of <paramref name="samples"/>, of one silo or of several together.</summary>
    public static IReadOnlyList<LatencyPoint> SeriesOf(IEnumerable<LatencySample> samples, TimeSpan slice) =>
        samples.GroupBy(s => new DateTimeOffset(s.At.UtcTicks - s.At.UtcTicks % slice.Ticks, TimeSpan.Zero)).OrderBy(g => g.Key).Select(g =>
        {
            var figures = LatencyFigures.Of(g.Select(s => s.Ms));
            return new LatencyPoint(g.Key, figures.Count, figures.P50, figures.P95, figures.P99);
        }).ToList();

    /// <summary>A live stream of activity until <paramref name="cancellationToken"/> ends; a slow reader loses the oldest items, never blocks the mesh.</summary>
    public async IAsyncEnumerable<MeshActivity> StreamAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<MeshActivity>(new BoundedChannelOptions(500) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        try
        {
            await foreach (var activity in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return activity;
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private void Record(MeshActivity activity)
    {
        lock (_gate)
        {
            _feed.AddLast(activity);
            if (_feed.Count > FeedSize)
            {
                _feed.RemoveFirst();
            }

            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(activity);
            }
        }
    }
}

/// <summary>One target's counters (fields, so they can be incremented atomically).</summary>
internal sealed class TargetFlowCounter
{
    public long Attempts;
    public long Failed;
}
