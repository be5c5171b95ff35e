using System.Diagnostics;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.ChaosPolicy;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Grains.Diagnostics;

namespace ApexOrleans.Grains.Deliveries;

/// <summary>
/// The spans of one queue: a delivery span from enqueue to delivered, failed over or dead-lettered (a child of the span
/// its event travels in), and a span per attempt under it, with the injected fault as an event, the circuit's state as
/// an attribute, the transitions the attempt caused as events, and the outcome as its status. A delivery span lives in
/// the activation's memory; its traceparent is stored with the item, so attempts after a restart still join it.
/// </summary>
internal sealed class DeliverySpans(string tenant, string target)
{
    private readonly Dictionary<long, Activity> _open = [];

    /// <summary>Starts <paramref name="item"/>'s delivery span at its enqueue.</summary>
    public void Enqueued(DeliveryItem item)
    {
        var delivery = item.Delivery;
        var envelope = delivery.Envelope;
        if (envelope.TraceParent is null)
        {
            return; // an event in no trace (enqueued with nothing listening) stays untraced
        }

        var span = MeshTracing.Start($"deliver {target}", ActivityKind.Consumer, tenant, envelope.TraceParent, item.EnqueuedAt, envelope.TraceState);
        if (span is null)
        {
            return;
        }

        span.SetTag(SpanNames.MessagingSystem, "apex");
        span.SetTag(SpanNames.Operation, "receive");
        span.SetTag(SpanNames.Destination, target);
        span.SetTag(SpanNames.MessageId, envelope.Id);
        span.SetTag(SpanNames.EventId, envelope.Id);
        span.SetTag(SpanNames.EventType, envelope.EventType);
        span.SetTag(SpanNames.IdempotencyKey, envelope.IdempotencyKey);
        span.SetTag(SpanNames.Beat, envelope.Sequence);
        span.SetTag(SpanNames.CausationId, envelope.CausationId);
        span.SetTag(SpanNames.Role, delivery.Role.ToString());
        span.SetTag(SpanNames.StandsInFor, delivery.StandsInFor);
        if (item.InjectedDelay > TimeSpan.Zero)
        {
            MeshTracing.Event(span, SpanNames.FaultEvent, item.EnqueuedAt, ("apex.fault.kind", "Delay"), ("apex.fault.delay_ms", item.InjectedDelay.TotalMilliseconds));
        }

        item.TraceSpanId = span.SpanId.ToHexString(); // its trace is the event's: the span id alone names it
        _open[item.Id] = span;
    }

    /// <summary>The enqueue was taken back: its span is dropped with it.</summary>
    public void Withdrawn(DeliveryItem item)
    {
        if (_open.Remove(item.Id, out var span))
        {
            MeshTracing.Drop(span);
        }
    }

    /// <summary>Starts attempt <paramref name="number"/> of <paramref name="item"/> at <paramref name="now"/>, as the chaos filter and the circuit let it go.</summary>
    public Activity? Attempting(DeliveryItem item, int number, ChaosDecision decision, CircuitPermit permit, DateTimeOffset now)
    {
        if (item.Delivery.Envelope.TraceParent is null)
        {
            return null;
        }

        var span = MeshTracing.Start($"attempt {target}", ActivityKind.Client, tenant, item.TraceParent ?? item.Delivery.Envelope.TraceParent, now);
        if (span is null)
        {
            return null;
        }

        span.SetTag(SpanNames.Destination, target);
        span.SetTag(SpanNames.EventId, item.Delivery.Envelope.Id);
        span.SetTag(SpanNames.Role, item.Delivery.Role.ToString());
        span.SetTag(SpanNames.StandsInFor, item.Delivery.StandsInFor);
        span.SetTag(SpanNames.AttemptNumber, number);
        span.SetTag(SpanNames.Fault, decision.Fault.ToString());
        span.SetTag(SpanNames.Probe, permit.Probe);
        span.SetTag(SpanNames.CircuitState, permit.Status.ToString());
        if (decision.Fault != FaultKind.None)
        {
            MeshTracing.Event(span, SpanNames.FaultEvent, now, ("apex.fault.kind", decision.Fault.ToString()), ("apex.fault.reason", decision.Reason));
        }

        return span;
    }

    /// <summary>Ends an attempt's span with its record: the outcome as status, the HTTP answer if there was one.</summary>
    public static void Attempted(Activity? span, AttemptRecord attempt, DateTimeOffset end)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag(SpanNames.Succeeded, attempt.Succeeded);
        span.SetTag(SpanNames.ApplyOutcome, attempt.Outcome?.ToString());
        if (attempt.Http is [.., var last])
        {
            span.SetTag("http.response.status_code", last.Status);
        }

        if (attempt.Outcome == ApplyStatus.Duplicate)
        {
            MeshTracing.Event(span, SpanNames.DuplicateRefused, attempt.At, ("apex.by", "app"));
        }

        span.SetStatus(attempt.Succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error, attempt.Error);
        MeshTracing.End(span, end);
    }

    /// <summary>The circuit moved because of the attempt: each transition an event on its span.</summary>
    public static void CircuitMoved(Activity? attempt, IReadOnlyList<CircuitTransition> transitions)
    {
        foreach (var transition in transitions)
        {
            MeshTracing.Event(attempt, SpanNames.CircuitEvent, transition.At,
                ("apex.circuit.from", transition.From.ToString()), ("apex.circuit.to", transition.To.ToString()), ("apex.circuit.cause", transition.Cause));
        }
    }

    /// <summary>The delivery ended (delivered, failed over, dead-lettered): its span ends, if this activation started it.</summary>
    public void Ended(DeliveryItem item, string status, DateTimeOffset at, string? failedOverTo = null)
    {
        if (!_open.Remove(item.Id, out var span))
        {
            return;
        }

        span.SetTag(SpanNames.DeliveryStatus, status);
        span.SetTag(SpanNames.ApplyOutcome, item.Outcome?.ToString());
        if (failedOverTo is not null)
        {
            MeshTracing.Event(span, SpanNames.FailedOver, at, ("apex.fallback", failedOverTo));
        }

        span.SetStatus(status == "dead-letter" ? ActivityStatusCode.Error : ActivityStatusCode.Ok, status == "dead-letter" ? item.DeadLetterReason : null);

        MeshTracing.End(span, at);
    }

    /// <summary>
    /// The activation goes with deliveries unfinished: their spans end at their last attempt, marked so; later attempts (of
    /// the next activation) still name them as parent.
    /// </summary>
    public void Deactivated(IEnumerable<DeliveryItem> pending)
    {
        foreach (var item in pending)
        {
            if (_open.Remove(item.Id, out var span))
            {
                span.SetTag("apex.delivery.unfinished", true);
                MeshTracing.End(span, item.Attempts.Count > 0 ? item.Attempts[^1].At : item.EnqueuedAt);
            }
        }

        foreach (var span in _open.Values)
        {
            MeshTracing.Drop(span); // ended already in the queue's view, its end never recorded here
        }

        _open.Clear();
    }
}
