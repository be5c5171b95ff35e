using System.Diagnostics;
using ApexOrleans.Contracts.Diagnostics;
using Microsoft.Extensions.Options;

namespace ApexOrleans.Grains.Diagnostics;

/// <summary>
/// Keeps the finished spans of <see cref="MeshTracing.Source"/> per tenant, bounded by <see cref="TraceRecorderOptions"/>:
/// what a run's bundle (<c>traces.json</c>) and the dashboard's waterfall read. A listener of its own, so it works with
/// or without an exporter configured.
/// </summary>
public sealed class TraceRecorder : IDisposable
{
    private readonly TraceRecorderOptions _options;
    private readonly ActivityListener? _listener;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<TenantSpans>> _tenants = new(StringComparer.Ordinal);
    private readonly LinkedList<TenantSpans> _byLastWrite = new();
    private readonly HashSet<string> _forgotten = new(StringComparer.Ordinal);
    private readonly Queue<string> _forgottenOrder = new();
    private int _count;

    /// <summary>Starts listening, unless keeping is switched off.</summary>
    public TraceRecorder(IOptions<TraceRecorderOptions> options)
    {
        _options = options.Value;
        if (!_options.Keep)
        {
            return;
        }

        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MeshTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Keep,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>
    /// Every kept span of <paramref name="tenant"/>, in the order they ended; incomplete when the bounds made this silo drop
    /// any of them (the tenant's cap reached, or the tenant forgotten for newer ones).
    /// </summary>
    public TenantTraces Spans(string tenant)
    {
        if (_listener is null)
        {
            return new TenantTraces([], Complete: false); // keeping is switched off: whatever happened, nothing was kept
        }

        lock (_gate)
        {
            return _tenants.TryGetValue(tenant, out var node)
                ? new TenantTraces([.. node.Value.Spans], !node.Value.Dropped)
                : new TenantTraces([], !_forgotten.Contains(tenant));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener?.Dispose();

    private void Keep(Activity activity)
    {
        if (!activity.Recorded || activity.GetTagItem(SpanNames.Tenant) is not string tenant)
        {
            return;
        }

        var span = ToSpan(activity);
        lock (_gate)
        {
            if (!_tenants.TryGetValue(tenant, out var node))
            {
                node = _byLastWrite.AddLast(new TenantSpans(tenant) { Dropped = _forgotten.Contains(tenant) });
                _tenants[tenant] = node;
            }
            else if (node != _byLastWrite.Last)
            {
                _byLastWrite.Remove(node);
                _byLastWrite.AddLast(node);
            }

            if (node.Value.Spans.Count >= _options.MaxSpansPerTenant)
            {
                node.Value.Dropped = true;
                return;
            }

            node.Value.Spans.Add(span);
            _count++;
            while (_count > _options.MaxSpans && _byLastWrite.First is { } oldest && oldest != node)
            {
                _count -= oldest.Value.Spans.Count;
                _tenants.Remove(oldest.Value.Tenant);
                _byLastWrite.RemoveFirst();
                Forget(oldest.Value.Tenant);
            }
        }
    }

    /// <summary>An activity as OTLP has a span.</summary>
    public static TraceSpan ToSpan(Activity activity) => new(
        activity.TraceId.ToHexString(),
        activity.SpanId.ToHexString(),
        activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString(),
        activity.DisplayName,
        (SpanKindCode)((int)activity.Kind + 1), // ActivityKind counts from Internal = 0, OTLP from Unspecified = 0
        new DateTimeOffset(activity.StartTimeUtc, TimeSpan.Zero),
        new DateTimeOffset(activity.StartTimeUtc + activity.Duration, TimeSpan.Zero),
        activity.Status switch { ActivityStatusCode.Ok => SpanStatusCode.Ok, ActivityStatusCode.Error => SpanStatusCode.Error, _ => SpanStatusCode.Unset },
        activity.StatusDescription,
        Attributes(activity.TagObjects),
        activity.Events.Select(e => new SpanEvent(e.Name, e.Timestamp, Attributes(e.Tags))).ToList());

    private static List<SpanAttribute> Attributes(IEnumerable<KeyValuePair<string, object?>> tags) =>
        tags.Where(t => t.Value is not null).Select(t => t.Value switch
        {
            bool flag => new SpanAttribute(t.Key, Bool: flag),
            int or long => new SpanAttribute(t.Key, Int: Convert.ToInt64(t.Value, System.Globalization.CultureInfo.InvariantCulture)),
            double number => new SpanAttribute(t.Key, Double: number),
            _ => new SpanAttribute(t.Key, String: Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture)),
        }).ToList();

    /// <summary>Remembers that <paramref name="tenant"/>'s spans were dropped (the last 100,000 such tenants), so a read says so.</summary>
    private void Forget(string tenant)
    {
        if (_forgotten.Add(tenant))
        {
            _forgottenOrder.Enqueue(tenant);
            if (_forgottenOrder.Count > 100_000)
            {
                _forgotten.Remove(_forgottenOrder.Dequeue());
            }
        }
    }

    private sealed class TenantSpans(string tenant)
    {
        public string Tenant { get; } = tenant;

        public List<TraceSpan> Spans { get; } = [];

        public bool Dropped { get; set; }
    }
}
