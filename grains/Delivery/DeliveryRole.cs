namespace ApexOrleans.Grains.Delivery;

/// <summary>Whether a delivery brings an event to its source app (to record its own fact) or to a target.</summary>
public enum DeliveryRole
{
    /// <summary>The publishing app records its own fact, then fans the event out.</summary>
    Source,

    /// <summary>A target app applies the event's effect.</summary>
    Target,
}
