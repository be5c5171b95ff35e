using ApexOrleans.Contracts.Deliveries;

namespace ApexOrleans.Grains.Deliveries;

/// <summary>
/// One write of a delivery queue: the items its turn changed, as they are after it, and where they are; the deliveries it
/// accepted; the order of its recent history; its counters. Items the turn did not touch are not in it, so a write costs
/// the turn's items, not the queue's backlog and history; and an item an earlier entry accepted is stored without its
/// delivery (<see cref="Changed"/>), so a write costs what the turn changed in it, not the event again.
/// </summary>
public sealed class QueueJournalEntry
{
    /// <summary>Changed items still pending.</summary>
    public List<DeliveryItem> Pending { get; set; } = [];

    /// <summary>Changed items that ended here (delivered or failed over) and are still among the recent ones.</summary>
    public List<DeliveryItem> Delivered { get; set; } = [];

    /// <summary>Changed items given up on.</summary>
    public List<DeliveryItem> DeadLettered { get; set; } = [];

    /// <summary>Changed items an earlier entry accepted, without their delivery; where each is now follows from it (pending until completed).</summary>
    public List<QueueItemChange> Changed { get; set; } = [];

    /// <summary>Changed items that ended and were sealed into a history page in the same turn (the page holds them).</summary>
    public List<long> Sealed { get; set; } = [];

    /// <summary>The recent items after the turn, by id, in order (a page sealed in the turn took the oldest away).</summary>
    public List<long> Recent { get; set; } = [];

    /// <summary>Deliveries accepted in the turn, by inbox key.</summary>
    public Dictionary<string, DateTimeOffset> Enqueued { get; set; } = [];

    /// <summary>The queue's counters and history page numbers after the turn.</summary>
    public long NextId { get; set; }

    /// <inheritdoc cref="DeliveryQueueState.DeliveredCount"/>
    public long DeliveredCount { get; set; }

    /// <inheritdoc cref="DeliveryQueueState.FailedOverCount"/>
    public long FailedOverCount { get; set; }

    /// <inheritdoc cref="DeliveryQueueState.NextHistoryPage"/>
    public long NextHistoryPage { get; set; }

    /// <inheritdoc cref="DeliveryQueueState.FirstHistoryPage"/>
    public long FirstHistoryPage { get; set; }

    /// <summary>Makes <paramref name="queue"/> what the turn left it as.</summary>
    public void ReplayInto(DeliveryQueueState queue)
    {
        foreach (var (key, at) in Enqueued)
        {
            queue.Enqueued[key] = at;
        }

        var (pending, delivered, deadLettered) = (Pending.ToList(), Delivered.ToList(), DeadLettered.ToList());
        foreach (var change in Changed)
        {
            if (queue.Pending.Find(i => i.Id == change.Id) is not { } stored)
            {
                // Only two lives of one queue writing in turn (a duplicate activation) can leave a change of an item that an
                // entry before it ended: the record that ended it stands, and the queue still activates.
                continue;
            }

            var item = change.Over(stored);
            (item.CompletedAt is null ? pending : item.DeadLetterReason is null ? delivered : deadLettered).Add(item);
        }

        var left = delivered.Concat(deadLettered).Select(i => i.Id).Concat(Sealed).ToHashSet();
        queue.Pending.RemoveAll(i => left.Contains(i.Id));
        foreach (var item in pending)
        {
            var at = queue.Pending.FindIndex(i => i.Id == item.Id);
            if (at >= 0)
            {
                queue.Pending[at] = item;
            }
            else
            {
                queue.Pending.Add(item);
            }
        }

        queue.DeadLetters.AddRange(deadLettered);
        var recent = queue.Delivered.Concat(delivered).ToDictionary(i => i.Id);
        queue.Delivered = Recent.Select(id => recent[id]).ToList();
        (queue.NextId, queue.DeliveredCount, queue.FailedOverCount, queue.NextHistoryPage, queue.FirstHistoryPage) =
            (NextId, DeliveredCount, FailedOverCount, NextHistoryPage, FirstHistoryPage);
    }
}
