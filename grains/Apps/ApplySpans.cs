using System.Diagnostics;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Grains.Diagnostics;

namespace ApexOrleans.Grains.Apps;

/// <summary>
/// The spans of an app taking a delivery: the apply (a child of the attempt that brought it, else of the span its event
/// travels in), its outcome, a refused duplicate as an event, and a span per reaction it published, whose events then
/// travel in that reaction's span.
/// </summary>
internal static class ApplySpans
{
    /// <summary>Starts the apply of <paramref name="delivery"/> at <paramref name="app"/>, under <paramref name="caller"/> (the attempt's traceparent) if given.</summary>
    public static Activity? Start(string tenant, string app, Delivery delivery, string? caller, DateTimeOffset now)
    {
        var envelope = delivery.Envelope;
        var span = MeshTracing.Start($"apply {app}", ActivityKind.Server, tenant, caller ?? envelope.TraceParent, now);
        span?.SetTag(SpanNames.MessagingSystem, "apex");
        span?.SetTag(SpanNames.Operation, "process");
        span?.SetTag(SpanNames.Destination, app);
        span?.SetTag(SpanNames.EventId, envelope.Id);
        span?.SetTag(SpanNames.Role, delivery.Role.ToString());
        return span;
    }

    /// <summary>
    /// A span per reaction the apply put in the outbox (entries from <paramref name="outboxBefore"/> on); each entry's event
    /// then travels in its reaction's span.
    /// </summary>
    public static void Reactions(Activity? apply, string tenant, List<OutboxEntry> outbox, int outboxBefore, ApplyResult result, DateTimeOffset now)
    {
        if (apply is null || result.Receipt is null)
        {
            return;
        }

        for (var i = outboxBefore; i < outbox.Count; i++)
        {
            var entry = outbox[i];
            var envelope = entry.Envelope;
            if (envelope.Id == result.Receipt.EventId)
            {
                continue; // the app's own fact, fanned out in its publish's trace
            }

            var span = MeshTracing.Start($"publish {envelope.EventType}", ActivityKind.Producer, tenant, apply.Id, now);
            if (span is null)
            {
                continue;
            }

            span.SetTag(SpanNames.MessagingSystem, "apex");
            span.SetTag(SpanNames.Operation, "send");
            span.SetTag(SpanNames.EventId, envelope.Id);
            span.SetTag(SpanNames.EventType, envelope.EventType);
            span.SetTag(SpanNames.IdempotencyKey, envelope.IdempotencyKey);
            span.SetTag(SpanNames.CausationId, envelope.CausationId);
            span.SetTag(SpanNames.Beat, envelope.Sequence);
            span.SetTag(SpanNames.PublishStatus, "reaction");
            outbox[i] = new OutboxEntry { Id = entry.Id, Envelope = envelope with { TraceParent = span.Id, TraceState = null }, Targets = entry.Targets };
            MeshTracing.End(span, now);
        }
    }

    /// <summary>Ends the apply with what the app did.</summary>
    public static void End(Activity? span, ApplyResult result, DateTimeOffset now)
    {
        span?.SetTag(SpanNames.ApplyOutcome, result.Status.ToString());
        if (result.Status == ApplyStatus.Duplicate)
        {
            MeshTracing.Event(span, SpanNames.DuplicateRefused, now, ("apex.by", "app"));
        }

        span?.SetStatus(ActivityStatusCode.Ok);
        MeshTracing.End(span, now);
    }

    /// <summary>The apply failed: nothing of it was kept.</summary>
    public static void Failed(Activity? span, Exception error, DateTimeOffset now)
    {
        span?.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
        MeshTracing.End(span, now);
    }
}
