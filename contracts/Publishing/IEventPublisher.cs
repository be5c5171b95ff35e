using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;

namespace ApexOrleans.Contracts.Publishing;

/// <summary>Where a publish enters the mesh: the key is claimed once, and the event is queued for every target.</summary>
public interface IEventPublisher
{
    /// <summary>Publishes <paramref name="envelope"/> for <paramref name="tenant"/>; a repeat of a key answers with the first publish's receipt.</summary>
    Task<PublishReceipt> PublishAsync(string tenant, EventEnvelope envelope);
}
