using System.Text.Json;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Catalog;

/// <summary>
/// One app of the mesh, as configured. <see cref="Fallback"/> names an app (a second provider) that takes the deliveries
/// this one cannot (their retries spent, or its circuit open): it records them as this app would have. <see cref="Endpoint"/>
/// makes it remote: its deliveries are signed webhooks POSTed there.
/// </summary>
public sealed record AppDefinition(
    string Id,
    string Name,
    string Purpose,
    IReadOnlyDictionary<string, PublishedEvent> Publishes,
    IReadOnlyDictionary<string, RecordEffect> Consumes,
    JsonElement Settings,
    string? Fallback = null,
    Uri? Endpoint = null)
{
    /// <summary>The wildcard consumer entry: records every event delivered to the app.</summary>
    public const string AnyEvent = "*";

    /// <summary>How this app records <paramref name="eventType"/> delivered to it, or null if it does not take it.</summary>
    public RecordEffect? ConsumerEffect(string eventType) =>
        Consumes.TryGetValue(eventType, out var effect) ? effect : Consumes.GetValueOrDefault(AnyEvent);

    /// <summary>How this app records the event in <paramref name="role"/>: its own record as the source, else as a consumer; null if it does not.</summary>
    public RecordEffect? EffectOf(DeliveryRole role, EventEnvelope envelope) =>
        role == DeliveryRole.Source ? Publishes.GetValueOrDefault(envelope.Action)?.Effect : ConsumerEffect(envelope.EventType);
}
