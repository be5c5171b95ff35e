using System.Text.Json.Serialization;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Deliveries;

/// <summary>
/// One event brought to one app: as its own fact (source), as a target, or as the fallback of a target
/// (<see cref="StandsInFor"/>). <see cref="HoldUntilApplied"/> names an event the app must have applied first (a
/// reaction's cause); <see cref="FanOut"/> overrides the envelope's targets with per-target holds when the app
/// publishes a reaction.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Delivery(
    EventEnvelope Envelope, DeliveryRole Role, string? HoldUntilApplied = null, IReadOnlyList<OutboxTarget>? FanOut = null, string? StandsInFor = null)
{
    /// <summary>
    /// The key under which the receiving app keeps the receipt (a fallback keeps one per target it stands in for): its own
    /// facts by their key, others' by their source and key.
    /// </summary>
    [JsonIgnore]
    public string InboxKey => Role switch
    {
        DeliveryRole.Source => SourceInboxKey(Envelope.IdempotencyKey),
        DeliveryRole.Fallback => $"fallback-{StandsInFor}:{Envelope.ScopedKey}",
        _ => $"target:{Envelope.ScopedKey}", // two apps may publish under one key: their events are two deliveries
    };

    /// <summary>The inbox key of a source app's own fact published under <paramref name="idempotencyKey"/>.</summary>
    public static string SourceInboxKey(string idempotencyKey) => $"source:{idempotencyKey}";
}
