
namespace ApexOrleans.Contracts.Deliveries;

/// <summary>Whether a delivery brings an event to its source app (to record its own fact) or to a target.</summary>
[GenerateSerializer]
public enum DeliveryRole
{
    /// <summary>The publishing app records its own fact, then fans the event out.</summary>
    Source,

    /// <summary>A target app applies the event's effect.</summary>
    Target,

    /// <summary>
    /// A fallback app applies the event in place of a target that could not take it (<see cref="Delivery.StandsInFor"/>):
    /// recorded as the target would have recorded it, and never delivered to the target as well.
    /// </summary>
    Fallback,
}
