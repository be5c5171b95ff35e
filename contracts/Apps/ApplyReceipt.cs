using ApexOrleans.Contracts.Deliveries;

namespace ApexOrleans.Contracts.Apps;

/// <summary>
/// Proof that an app applied an event once: stored in the app's state together with the effect, in one
/// write, so there is never an effect without its receipt nor a receipt without its effect.
/// </summary>
[GenerateSerializer]
public sealed class ApplyReceipt
{
    /// <summary>The event's idempotency key.</summary>
    [Id(0)]
    public string IdempotencyKey { get; set; } = "";

    /// <summary>The event id.</summary>
    [Id(1)]
    public string EventId { get; set; } = "";

    /// <summary>The event type.</summary>
    [Id(2)]
    public string EventType { get; set; } = "";

    /// <summary>The app that applied it.</summary>
    [Id(3)]
    public string App { get; set; } = "";

    /// <summary>Whether the app applied it as its own fact, as a target, or as a fallback.</summary>
    [Id(4)]
    public DeliveryRole Role { get; set; }

    /// <summary>As a fallback: the target app it stood in for.</summary>
    [Id(5)]
    public string? StandsInFor { get; set; }

    /// <summary>When it was applied, on the tenant's clock.</summary>
    [Id(6)]
    public DateTimeOffset AppliedAt { get; set; }

    /// <summary>The records written, as <c>table/key</c>.</summary>
    [Id(7)]
    public List<string> Effects { get; set; } = [];

    /// <summary>Events this app published in reaction (their ids).</summary>
    [Id(8)]
    public List<string> Reactions { get; set; } = [];

    /// <summary>How many later deliveries of the same event were refused as duplicates.</summary>
    [Id(9)]
    public int DuplicatesRefused { get; set; }

    /// <summary>When the event arrived and had to wait for a predecessor, if it did.</summary>
    [Id(10)]
    public DateTimeOffset? HeldSince { get; set; }
}
