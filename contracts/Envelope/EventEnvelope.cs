using System.Text.Json;
using System.Text.Json.Serialization;

namespace ApexOrleans.Contracts.Envelope;

/// <summary>
/// One event on the mesh: the CloudEvents 1.0 core (id, source, type, time, subject, data) plus the
/// mesh's own fields. Immutable; grains pass it by reference.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record EventEnvelope
{
    /// <summary>CloudEvents <c>id</c>: unique per event.</summary>
    [Id(0)]
    public required string Id { get; init; }

    /// <summary>The story's <c>app:entity.action</c> name; CloudEvents <c>type</c>.</summary>
    [Id(1)]
    public required string EventType { get; init; }

    /// <summary>The publishing app; CloudEvents <c>source</c> is <c>/apps/{SourceApp}</c>.</summary>
    [Id(2)]
    public required string SourceApp { get; init; }

    /// <summary>The apps the event is delivered to (never the source itself).</summary>
    [Id(3)]
    public required IReadOnlyList<string> Targets { get; init; }

    /// <summary>CloudEvents <c>time</c>: when it happened in the business's day.</summary>
    [Id(4)]
    public DateTimeOffset? Time { get; init; }

    /// <summary>CloudEvents <c>subject</c>: the record the event is about (e.g. <c>inv-001</c>).</summary>
    [Id(5)]
    public string? Subject { get; init; }

    /// <summary>The payload, a JSON object; CloudEvents <c>data</c>.</summary>
    [Id(6)]
    public required JsonElement Data { get; init; }

    /// <summary>Ties together every event of one business flow.</summary>
    [Id(7)]
    public required string CorrelationId { get; init; }

    /// <summary>The event that caused this one (reactions), if any.</summary>
    [Id(8)]
    public string? CausationId { get; init; }

    /// <summary>The key that makes publishing and delivering this event idempotent.</summary>
    [Id(9)]
    public required string IdempotencyKey { get; init; }

    /// <summary>The position in its scenario or stream (a beat number); orders outages and reports.</summary>
    [Id(10)]
    public long Sequence { get; init; }

    /// <summary>
    /// The W3C trace context the event travels in (CloudEvents Distributed Tracing extension, <c>traceparent</c>): the
    /// publisher's when it sent one, then the mesh's publish span. Never part of its identity, fingerprint or digest.
    /// </summary>
    [Id(11)]
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> that goes with <see cref="TraceParent"/>, if any.</summary>
    [Id(12)]
    public string? TraceState { get; init; }

    /// <summary>
    /// The key within its idempotency scope, the source app (a tenant's grains add the tenant): two apps may use the same
    /// key without meeting, as CloudEvents makes <c>source</c> + <c>id</c> an event's identity.
    /// </summary>
    [JsonIgnore]
    public string ScopedKey => ScopeOf(SourceApp, IdempotencyKey);

    /// <summary>
    /// The event's id in its source app's scope: a client may choose an id, so another app could send one that names this
    /// event; what an app has applied, and what a reaction waits for, is named by source and id together.
    /// </summary>
    [JsonIgnore]
    public string ScopedId => $"{SourceApp}/{Id}";

    /// <summary>The scoped key of <paramref name="idempotencyKey"/> published by <paramref name="sourceApp"/> (app ids hold no '/').</summary>
    public static string ScopeOf(string sourceApp, string idempotencyKey) => $"{sourceApp}/{idempotencyKey}";

    /// <summary>CloudEvents <c>source</c> URI reference.</summary>
    [JsonIgnore]
    public string CloudEventSource => $"/apps/{SourceApp}";

    /// <summary>The entity.action part of <see cref="EventType"/>.</summary>
    [JsonIgnore]
    public string Action => EventType[(EventType.IndexOf(':') + 1)..];

    /// <summary>Reads a string field of the payload, or null.</summary>
    public string? DataString(string field) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(field, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>Reads a decimal field of the payload, or null (also for a number too large for a decimal, such as 1e30).</summary>
    public decimal? DataDecimal(string field) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetDecimal(out var number)
            ? number
            : null;
}
