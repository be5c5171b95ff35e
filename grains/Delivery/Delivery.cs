using System.Text.Json.Serialization;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Envelope;

namespace ApexOrleans.Grains.Delivery;

/// <summary>
/// One event brought to one app: as its own fact (source) or as a target. <see cref="HoldUntilApplied"/>
/// names an event the app must have applied first (a reaction's cause); <see cref="FanOut"/> overrides the
/// envelope's targets with per-target holds when the app publishes a reaction.
/// </summary>
public sealed record Delivery(EventEnvelope Envelope, DeliveryRole Role, string? HoldUntilApplied = null, IReadOnlyList<OutboxTarget>? FanOut = null)
{
    /// <summary>The key under which the receiving app keeps the receipt.</summary>
    [JsonIgnore]
    public string InboxKey => $"{(Role == DeliveryRole.Source ? "source" : "target")}:{Envelope.IdempotencyKey}";
}
