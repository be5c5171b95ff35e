using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Deliveries;

namespace ApexOrleans.Grains.Deliveries;

/// <summary>
/// An item as a queue entry stores it when an earlier entry accepted it: everything a turn can change, without the delivery
/// (the event, the larger part), which the accepting entry holds. Replayed over the item as the queue has it then.
/// </summary>
public sealed class QueueItemChange
{
    /// <inheritdoc cref="DeliveryItem.Id"/>
    public long Id { get; set; }

    /// <inheritdoc cref="DeliveryItem.NextDueAt"/>
    public DateTimeOffset NextDueAt { get; set; }

    /// <inheritdoc cref="DeliveryItem.Queued"/>
    public bool Queued { get; set; }

    /// <inheritdoc cref="DeliveryItem.QueuedBecause"/>
    public string? QueuedBecause { get; set; }

    /// <inheritdoc cref="DeliveryItem.Attempts"/>
    public List<AttemptRecord> Attempts { get; set; } = [];

    /// <inheritdoc cref="DeliveryItem.Outcome"/>
    public ApplyStatus? Outcome { get; set; }

    /// <inheritdoc cref="DeliveryItem.CompletedAt"/>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <inheritdoc cref="DeliveryItem.DeadLetterReason"/>
    public string? DeadLetterReason { get; set; }

    /// <inheritdoc cref="DeliveryItem.MayHaveReached"/>
    public bool MayHaveReached { get; set; }

    /// <inheritdoc cref="DeliveryItem.FailedOverTo"/>
    public string? FailedOverTo { get; set; }

    /// <summary>What a turn left of <paramref name="item"/>.</summary>
    public static QueueItemChange Of(DeliveryItem item) => new()
    {
        Id = item.Id, NextDueAt = item.NextDueAt, Queued = item.Queued, QueuedBecause = item.QueuedBecause, Attempts = [.. item.Attempts],
        Outcome = item.Outcome, CompletedAt = item.CompletedAt, DeadLetterReason = item.DeadLetterReason, MayHaveReached = item.MayHaveReached,
        FailedOverTo = item.FailedOverTo,
    };

    /// <summary>The item as this change leaves <paramref name="stored"/>, the item as the queue had it.</summary>
    public DeliveryItem Over(DeliveryItem stored) => new()
    {
        Id = stored.Id, Delivery = stored.Delivery, EnqueuedAt = stored.EnqueuedAt, InjectedDelay = stored.InjectedDelay, NextDueAt = NextDueAt,
        Queued = Queued, QueuedBecause = QueuedBecause, Attempts = [.. Attempts], Outcome = Outcome, CompletedAt = CompletedAt,
        DeadLetterReason = DeadLetterReason, MayHaveReached = MayHaveReached, FailedOverTo = FailedOverTo,
        TraceSpanId = stored.TraceSpanId, // set once, at its acceptance: the accepting entry holds it
    };
}
