using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Grains.Persistence;
using Orleans.Storage;

namespace ApexOrleans.Grains.Deliveries;

/// <summary>
/// A delivery queue's state and what changed in it since its last write: the items the queue touched and the deliveries
/// it accepted, written as one <see cref="QueueJournalEntry"/>. The queue calls <see cref="Touch"/> before it changes an item.
/// </summary>
public sealed class QueueJournal(StateJournal<DeliveryQueueState, QueueJournalEntry> journal, Action deactivate)
{
    /// <summary>The name of a queue's state: its snapshot, and <c>queue/{n}</c> for its entries.</summary>
    public const string StateName = "queue";

    private readonly List<long> _touched = [];
    private Dictionary<string, DateTimeOffset> _accepted = [];

    /// <summary>The queue in memory.</summary>
    public DeliveryQueueState State => journal.State;

    /// <summary>The journal of the queue stored as <paramref name="queue"/>: what an activation, and a reader of the store, replays.</summary>
    public static StateJournal<DeliveryQueueState, QueueJournalEntry> Open(IGrainStorage storage, GrainId queue, StateJournalOptions options) =>
        new(storage, StateName, queue, (state, entry) => entry.ReplayInto(state), options);

    /// <summary>Loads the durable queue.</summary>
    public Task ReadAsync() => journal.ReadAsync();

    /// <summary>Notes that <paramref name="item"/> is about to change (or was just added).</summary>
    public void Touch(DeliveryItem item)
    {
        if (!_touched.Contains(item.Id))
        {
            _touched.Add(item.Id);
        }
    }

    /// <summary>Notes a delivery accepted at <paramref name="at"/>.</summary>
    public void Accepted(string inboxKey, DateTimeOffset at) => _accepted[inboxKey] = at;

    /// <summary>Writes what changed since the last write as the next entry.</summary>
    public async Task WriteAsync()
    {
        await journal.AppendAsync(ToEntry(State));
        Forget();
    }

    /// <summary>Writes what changed; on failure goes back to the durable queue and rethrows.</summary>
    public async Task WriteOrRevertAsync()
    {
        try
        {
            await WriteAsync();
        }
        catch
        {
            await RevertAsync();
            throw;
        }
    }

    /// <summary>
    /// Memory goes back to the durable queue (or, if the store does not answer, the queue asks to be deactivated), and the
    /// changes go with the memory that made them: none may ride on a later write.
    /// </summary>
    public async Task RevertAsync()
    {
        Forget();
        await journal.RevertAsync(deactivate);
    }

    private void Forget()
    {
        _touched.Clear();
        _accepted = [];
    }

    /// <summary>The changes as the next entry, read from <paramref name="queue"/> as it is now.</summary>
    private QueueJournalEntry ToEntry(DeliveryQueueState queue)
    {
        var entry = new QueueJournalEntry
        {
            Enqueued = _accepted, Recent = queue.Delivered.Select(i => i.Id).ToList(), NextId = queue.NextId, DeliveredCount = queue.DeliveredCount,
            FailedOverCount = queue.FailedOverCount, NextHistoryPage = queue.NextHistoryPage, FirstHistoryPage = queue.FirstHistoryPage,
        };
        foreach (var id in _touched)
        {
            if (queue.Pending.Find(i => i.Id == id) is { } pending)
            {
                entry.Pending.Add(pending);
            }
            else if (queue.Delivered.Find(i => i.Id == id) is { } delivered)
            {
                entry.Delivered.Add(delivered);
            }
            else if (queue.DeadLetters.Find(i => i.Id == id) is { } dead)
            {
                entry.DeadLettered.Add(dead);
            }
            else
            {
                entry.Sealed.Add(id); // ended and sealed into a history page in the same turn
            }
        }

        return entry;
    }
}
