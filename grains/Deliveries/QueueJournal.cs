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

    /// <summary>Whether memory holds changes no write has stored: a turn's, or those a failed write left for the next one.</summary>
    public bool HasChanges => _touched.Count > 0 || _accepted.Count > 0;

    /// <summary>
    /// Writes what changed since the last write as the next entry. A write that fails keeps the changes, to ride on the
    /// next one: they are facts of other grains (an app that took a delivery, a circuit that counted an attempt), which
    /// memory must not forget because the store did not answer. Only a write refused because the entry is already stored
    /// (another life wrote it, or this one's answer was lost) goes back to the durable queue: the store has the say then.
    /// </summary>
    public async Task WriteAsync()
    {
        try
        {
            await journal.AppendAsync(ToEntry(State));
        }
        catch (InconsistentStateException)
        {
            await RevertAsync();
            throw;
        }

        Forget();
    }

    /// <summary>
    /// Stores what an earlier failed write left, before a call goes on from memory: no answer may rest on a change the store
    /// never took. A refused write reloads the durable queue, which the call then goes on from (unless it could not reload).
    /// </summary>
    public async Task StoreLeftoversAsync()
    {
        if (!HasChanges)
        {
            return;
        }

        try
        {
            await WriteAsync();
        }
        catch (InconsistentStateException)
        {
            // Reloaded: the durable queue is the truth now. If it could not be read, the grain refuses the call.
        }
    }

    /// <summary>
    /// On the way out of an activation: one try to store what a failed write left, within <paramref name="cancellationToken"/>.
    /// Whatever the answer, memory is not reloaded, since it goes with the activation.
    /// </summary>
    public async Task StoreLeftoversOnceAsync(CancellationToken cancellationToken)
    {
        if (!HasChanges)
        {
            return;
        }

        try
        {
            await journal.AppendAsync(ToEntry(State)).WaitAsync(cancellationToken);
            Forget();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Lost with the activation, as with a crash: the next one reads the store.
        }
    }

    /// <summary>
    /// Takes back the acceptance of <paramref name="inboxKey"/> and the changes to its item <paramref name="itemId"/>, if no
    /// write has stored the acceptance yet; answers whether it did.
    /// </summary>
    public bool Withdraw(long itemId, string inboxKey)
    {
        if (!_accepted.Remove(inboxKey))
        {
            return false;
        }

        _touched.Remove(itemId);
        return true;
    }

    /// <summary>
    /// Memory goes back to the durable queue (or, if the store does not answer, the queue asks to be deactivated), and the
    /// changes go with the memory that made them: none may ride on a later write.
    /// </summary>
    private async Task RevertAsync()
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
