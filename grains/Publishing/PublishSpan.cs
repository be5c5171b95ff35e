using System.Diagnostics;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Grains.Diagnostics;

namespace ApexOrleans.Grains.Publishing;

/// <summary>
/// The spans of one publish: the publish itself (a producer span, the root of the event's trace unless the publisher
/// sent a traceparent) and its idempotency claim. A repeat of a key the mesh knows joins the trace of the key's first
/// publish, so that one event is one trace, its refused duplicates in it.
/// </summary>
internal sealed class PublishSpan
{
    private readonly string _tenant;
    private readonly EventEnvelope _envelope;
    private Activity? _span;

    private PublishSpan(string tenant, EventEnvelope envelope)
    {
        (_tenant, _envelope) = (tenant, envelope);
        // Its time is set once the claim says what the tenant's clock reads.
        _span = Start(envelope.TraceParent, DateTimeOffset.UnixEpoch);
    }

    /// <summary>The publish span's traceparent, which the event carries on: null when nothing listens.</summary>
    public string? TraceParent => MeshTracing.ParentOf(_span);

    /// <summary>The publish span's trace id, or null.</summary>
    public string? TraceId => _span?.TraceId.ToHexString();

    /// <summary>Starts the spans of publishing <paramref name="envelope"/> for <paramref name="tenant"/>.</summary>
    public static PublishSpan Begin(string tenant, EventEnvelope envelope) => new(tenant, envelope);

    /// <summary>
    /// The claim answered: the publish moves into the key's first trace if this is a repeat (and its publisher named no
    /// trace), and the claim's span records the outcome, a refused duplicate as an event.
    /// </summary>
    public void Claimed(IdempotencyClaim claim)
    {
        if (_span is null)
        {
            return;
        }

        if (claim.Outcome != ClaimOutcome.Claimed && _envelope.TraceParent is null && claim.TraceParent is { } first
            && ActivityContext.TryParse(first, null, out var original) && original.TraceId != _span.TraceId)
        {
            MeshTracing.Drop(_span);
            _span = Start(first, claim.At);
        }
        else
        {
            _span.SetStartTime(claim.At.UtcDateTime);
        }

        _span?.SetTag(SpanNames.EventId, claim.OriginalEventId ?? _envelope.Id);
        _span?.SetTag(SpanNames.MessageId, claim.OriginalEventId ?? _envelope.Id);

        var claimSpan = MeshTracing.Start($"claim {_envelope.IdempotencyKey}", ActivityKind.Internal, _tenant, TraceParent, claim.At);
        claimSpan?.SetTag(SpanNames.ClaimOutcome, claim.Outcome.ToString());
        claimSpan?.SetTag(SpanNames.IdempotencyKey, _envelope.IdempotencyKey);
        if (claim.Outcome == ClaimOutcome.Duplicate)
        {
            MeshTracing.Event(claimSpan, SpanNames.DuplicateRefused, claim.At, ("apex.original_event_id", claim.OriginalEventId));
        }

        if (claim.Outcome is ClaimOutcome.Conflict or ClaimOutcome.Expired)
        {
            claimSpan?.SetStatus(ActivityStatusCode.Error, $"refused: {claim.Outcome}");
        }

        MeshTracing.End(claimSpan, claim.At);
    }

    /// <summary>The publish ended with <paramref name="status"/> at <paramref name="at"/> (the tenant's clock).</summary>
    public void Ended(string status, DateTimeOffset at, bool refused = false)
    {
        _span?.SetTag(SpanNames.PublishStatus, status);
        _span?.SetStatus(refused ? ActivityStatusCode.Error : ActivityStatusCode.Ok, refused ? status : null);

        MeshTracing.End(_span, at);
        _span = null;
    }

    /// <summary>The publish failed with <paramref name="error"/>.</summary>
    public void Failed(Exception error, DateTimeOffset at)
    {
        _span?.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
        Ended("failed", at);
    }

    /// <summary>The publish never reached the tenant's clock (its claim failed): no span is kept.</summary>
    public void Abandon()
    {
        MeshTracing.Drop(_span);
        _span = null;
    }

    private Activity? Start(string? parent, DateTimeOffset at)
    {
        var span = MeshTracing.Start($"publish {_envelope.EventType}", ActivityKind.Producer, _tenant, parent, at,
            parent == _envelope.TraceParent ? _envelope.TraceState : null);
        span?.SetTag(SpanNames.MessagingSystem, "apex");
        span?.SetTag(SpanNames.Operation, "send");
        span?.SetTag(SpanNames.MessageId, _envelope.Id);
        span?.SetTag(SpanNames.EventId, _envelope.Id);
        span?.SetTag(SpanNames.EventType, _envelope.EventType);
        span?.SetTag(SpanNames.EventSource, _envelope.CloudEventSource);
        span?.SetTag(SpanNames.EventSubject, _envelope.Subject);
        span?.SetTag(SpanNames.IdempotencyKey, _envelope.IdempotencyKey);
        span?.SetTag(SpanNames.Beat, _envelope.Sequence);
        return span;
    }
}
