namespace ApexOrleans.Grains.Diagnostics;

/// <summary>
/// The attribute and event names of the mesh's spans: OpenTelemetry's messaging and CloudEvents conventions where they
/// fit, <c>apex.*</c> for the mesh's own facts (docs/observability.md lists them).
/// </summary>
public static class SpanNames
{
    /// <summary><c>messaging.system</c>: always "apex".</summary>
    public const string MessagingSystem = "messaging.system";

    /// <summary><c>messaging.operation.type</c>: send, process or receive.</summary>
    public const string Operation = "messaging.operation.type";

    /// <summary><c>messaging.destination.name</c>: the app a delivery goes to.</summary>
    public const string Destination = "messaging.destination.name";

    /// <summary><c>messaging.message.id</c>: the event id.</summary>
    public const string MessageId = "messaging.message.id";

    /// <summary><c>cloudevents.event_id</c>.</summary>
    public const string EventId = "cloudevents.event_id";

    /// <summary><c>cloudevents.event_type</c>.</summary>
    public const string EventType = "cloudevents.event_type";

    /// <summary><c>cloudevents.event_source</c>.</summary>
    public const string EventSource = "cloudevents.event_source";

    /// <summary><c>cloudevents.event_subject</c>.</summary>
    public const string EventSubject = "cloudevents.event_subject";

    /// <summary>The tenant (a run) the span belongs to.</summary>
    public const string Tenant = "apex.tenant";

    /// <summary>The event's idempotency key.</summary>
    public const string IdempotencyKey = "apex.idempotency_key";

    /// <summary>The event's sequence: a scenario's beat.</summary>
    public const string Beat = "apex.beat";

    /// <summary>The causing event of a reaction.</summary>
    public const string CausationId = "apex.causation_id";

    /// <summary>A publish's answer: accepted, duplicate, in-progress, conflict or expired.</summary>
    public const string PublishStatus = "apex.publish.status";

    /// <summary>An idempotency claim's outcome.</summary>
    public const string ClaimOutcome = "apex.claim.outcome";

    /// <summary>A delivery's role: Source, Target or Fallback.</summary>
    public const string Role = "apex.delivery.role";

    /// <summary>A fallback delivery: the app it stands in for.</summary>
    public const string StandsInFor = "apex.delivery.stands_in_for";

    /// <summary>How a delivery ended: delivered, failed-over or dead-letter.</summary>
    public const string DeliveryStatus = "apex.delivery.status";

    /// <summary>An attempt's number within its delivery.</summary>
    public const string AttemptNumber = "apex.attempt.number";

    /// <summary>The fault the chaos filter injected into an attempt (None for none).</summary>
    public const string Fault = "apex.attempt.fault";

    /// <summary>Whether the attempt succeeded.</summary>
    public const string Succeeded = "apex.attempt.succeeded";

    /// <summary>Whether the attempt was the circuit's probe.</summary>
    public const string Probe = "apex.attempt.probe";

    /// <summary>The target's circuit when the attempt was let through (Closed, HalfOpen).</summary>
    public const string CircuitState = "apex.circuit.state";

    /// <summary>What the app did with a delivery: Applied, Duplicate, Held.</summary>
    public const string ApplyOutcome = "apex.apply.outcome";

    /// <summary>The event: a fault the chaos filter injected.</summary>
    public const string FaultEvent = "apex.fault";

    /// <summary>The event: the circuit moved.</summary>
    public const string CircuitEvent = "apex.circuit.transition";

    /// <summary>The event: the mesh refused a repeat (a duplicate publish, a duplicate delivery).</summary>
    public const string DuplicateRefused = "apex.duplicate.refused";

    /// <summary>The event: the delivery was handed to its target's fallback.</summary>
    public const string FailedOver = "apex.delivery.failed_over";
}
