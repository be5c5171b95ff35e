using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Grains.Persistence;
using Orleans.Storage;

namespace ApexOrleans.Grains.Deliveries;

/// <summary>
/// A delivery queue's state and what changed in it since its last write: the items the queue touched and the deliveries
/// it accepted, written as one <see cref="QueueJournalEntry"/>. The queue calls <see cref="Touch"/> before it changes an item,
/// and <see cref="Defer"/> when a turn changed nothing the store must hold before the queue goes on.
/// </summary>
public sealed class QueueJournal(StateJournal<DeliveryQueueState, QueueJournalEntry> journal, Action deactivate, Func<Task> deferredLost)
{
    /// <summary>The name of a queue's state: its snapshot, and <c>queue/{n}</c> for its entries.</summary>
    public const string StateName = "queue";

    private readonly List<long> _touched = [];
    private readonly List<long> _deferred = [];
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

    /// <summary>Whether memory holds changes left to ride on the next write (<see cref="Defer"/>), or any other unstored change.</summary>
    public bool HasUnstored => HasChanges || _deferred.Count > 0;

    /// <summary>
    /// Leaves the turn's changes to ride on the next write, or the deactivation's: for a turn whose attempts all failed before
    /// they reached the app and moved no circuit. Only the circuit counted them, and keeps its count in memory; a queue that
    /// loses them (a crash, a reload: <c>deferredLost</c>) tells it to forget that count, and tries those attempts again.
    /// </summary>
    public void Defer()
    {
        foreach (var id in _touched.Where(id => !_deferred.Contains(id)))
        {
            _deferred.Add(id);
        }

        _touched.Clear();
    }

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
    /// never took (with <paramref name="deferredToo"/>, the deferred changes as well: a reader sees only what the store took).
    /// A refused write reloads the durable queue, which the call then goes on from (unless it could not reload).
    /// </summary>
    public async Task StoreLeftoversAsync(bool deferredToo = false)
    {
        if (!HasChanges && !(deferredToo && _deferred.Count > 0))
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
        if (!HasUnstored)
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
    /// After a write that failed: takes back the acceptance of <paramref name="inboxKey"/> and the changes to its item
    /// <paramref name="itemId"/>, unless the store took the write after all (its answer lost), in which case every change it
    /// carried is stored. Answers whether the acceptance was taken back; throws if the store cannot tell.
    /// </summary>
    public async Task<bool> WithdrawAsync(long itemId, string inboxKey)
    {
        if (await journal.StoredAfterAllAsync())
        {
            Forget();
            return false;
        }

        _accepted.Remove(inboxKey);
        _touched.Remove(itemId);
        _deferred.Remove(itemId);
        return true;
    }

    /// <summary>
    /// Memory goes back to the durable queue (or, if the store does not answer, the queue asks to be deactivated), and the
    /// changes go with the memory that made them: none may ride on a later write.
    /// </summary>
    private async Task RevertAsync()
    {
        var lost = _deferred.Count > 0;
        Forget();
        await journal.RevertAsync(deactivate);
        if (lost)
        {
            try
            {
                await deferredLost(); // failures it reported, whose records are gone now
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The next activation of the queue asks again, before it attempts anything.
            }
        }
    }

    private void Forget()
    {
        _touched.Clear();
        _deferred.Clear();
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
        foreach (var id in _deferred.Concat(_touched).Distinct())
        {
            if (Find(queue, id) is not { } item)
            {
                entry.Sealed.Add(id); // ended and sealed into a history page in the same turn
            }
            else if (!_accepted.ContainsKey(item.Delivery.InboxKey))
            {
                entry.Changed.Add(QueueItemChange.Of(item)); // an earlier entry holds its delivery
            }
            else if (queue.Pending.Contains(item))
            {
                entry.Pending.Add(item);
            }
            else
            {
                (queue.Delivered.Contains(item) ? entry.Delivered : entry.DeadLettered).Add(item);
            }
        }

        return entry;
    }

    private static DeliveryItem? Find(DeliveryQueueState queue, long id) =>
        queue.Pending.Find(i => i.Id == id) ?? queue.Delivered.Find(i => i.Id == id) ?? queue.DeadLetters.Find(i => i.Id == id);
}
