using ApexOrleans.Grains.Delivery;

namespace ApexOrleans.Grains.Apps;

/// <summary>
/// Proof that an app applied an event once: stored in the app's state together with the effect, in one
/// write, so there is never an effect without its receipt nor a receipt without its effect.
/// </summary>
public sealed class ApplyReceipt
{
    /// <summary>The event's idempotency key.</summary>
    public string IdempotencyKey { get; set; } = "";

    /// <summary>The event id.</summary>
    public string EventId { get; set; } = "";

    /// <summary>The event type.</summary>
    public string EventType { get; set; } = "";

    /// <summary>The app that applied it.</summary>
    public string App { get; set; } = "";

    /// <summary>Whether the app applied it as its own fact, as a target, or as a fallback.</summary>
    public DeliveryRole Role { get; set; }

    /// <summary>As a fallback: the target app it stood in for.</summary>
    public string? StandsInFor { get; set; }

    /// <summary>When it was applied, on the tenant's clock.</summary>
    public DateTimeOffset AppliedAt { get; set; }

    /// <summary>The records written, as <c>table/key</c>.</summary>
    public List<string> Effects { get; set; } = [];

    /// <summary>Events this app published in reaction (their ids).</summary>
    public List<string> Reactions { get; set; } = [];

    /// <summary>How many later deliveries of the same event were refused as duplicates.</summary>
    public int DuplicatesRefused { get; set; }

    /// <summary>When the event arrived and had to wait for a predecessor, if it did.</summary>
    public DateTimeOffset? HeldSince { get; set; }
}
