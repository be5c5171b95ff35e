using Orleans.Storage;

namespace ApexOrleans.Grains.Persistence;

/// <summary>
/// A grain state stored as what changed it, not as itself: each change is one small entry (state <c>{name}/{n}</c> of
/// the grain) written once and never rewritten, and every <see cref="StateJournalOptions.SnapshotEvery"/> entries the
/// whole state is written once as a snapshot (state <c>{name}</c>). A write so costs the change, not the state's history.
/// An activation reads the snapshot and replays the entries after it, with the same rules that made them.
/// </summary>
/// <remarks>
/// Orleans' <c>JournaledGrain</c> does this too, but it retries a failed write in the background and keeps a deep copy
/// of the state per view: a mesh grain must see its write fail inside the turn (and decide what its memory keeps: an app
/// reloads the durable state, a queue keeps other grains' facts for its next entry), and copying the whole state per
/// change is the cost this journal removes.
/// An entry is inserted without an ETag, so two lives of one grain can never both write entry n: the second is refused,
/// reloads, and finds the first one's entry.
/// </remarks>
public sealed class StateJournal<TState, TEntry>(IGrainStorage storage, string name, GrainId grain, Action<TState, TEntry> replay, StateJournalOptions options)
    where TState : class, new()
{
    // The stored snapshot as this life knows it: its version, and the last entry it sums up.
    private string? _snapshotETag;
    private long _snapshotThrough;

    /// <summary>The state in memory: the durable one after <see cref="ReadAsync"/>, plus what the grain changed since its last entry.</summary>
    public TState State { get; private set; } = new();

    /// <summary>The number of the last entry written or read (0 before the first).</summary>
    public long Head { get; private set; }

    /// <summary>Loads the durable state: the snapshot, then every entry after it, replayed in order.</summary>
    public async Task ReadAsync()
    {
        var snapshot = new GrainState<JournalSnapshot<TState>>(new JournalSnapshot<TState>());
        await storage.ReadStateAsync(name, grain, snapshot);
        var (state, through, etag) = (snapshot.State?.State, snapshot.State?.Through ?? 0, snapshot.ETag);
        if (state is null && snapshot.RecordExists)
        {
            // A whole state stored under this name before the journal (no "state" in it): it is the snapshot of entry 0,
            // never an empty one, which would lose its receipts without a word.
            var whole = new GrainState<TState>(new TState());
            await storage.ReadStateAsync(name, grain, whole);
            (state, through, etag) = (whole.State, 0, whole.ETag);
        }

        state ??= new TState();
        var head = through;
        // One entry first: most grains that activate are new, or were snapshotted at their last entry, and have none after
        // it. Only when there is one are the rest read ReadAhead at a time.
        for (var (more, chunk) = (true, 1); more; chunk = options.ReadAhead)
        {
            var entries = await Task.WhenAll(Enumerable.Range(1, chunk).Select(i => ReadEntryAsync(head + i)));
            foreach (var entry in entries)
            {
                if (entry is not { RecordExists: true, State: { } stored })
                {
                    more = false;
                    break;
                }

                replay(state, stored);
                head++;
            }
        }

        (_snapshotETag, _snapshotThrough, State, Head) = (etag, through, state, head);
    }

    /// <summary>
    /// Stores <paramref name="entry"/>, the change the grain has just made to <see cref="State"/> in memory, as the next
    /// entry; then, if due, the snapshot. A failed entry write throws (the grain reloads with <see cref="ReadAsync"/>, or
    /// keeps the change for its next entry; one refused as already stored always reloads);
    /// a failed snapshot does not, since the entries it would sum up are stored: the next entry tries it again.
    /// </summary>
    public async Task AppendAsync(TEntry entry)
    {
        await storage.WriteStateAsync(EntryName(Head + 1), grain, new GrainState<TEntry>(entry));
        Head++;
        if (Head - _snapshotThrough >= options.SnapshotEvery)
        {
            await SnapshotAsync();
        }
    }

    /// <summary>
    /// After an entry write that failed with no answer from the store as to why: whether the store holds the entry after all
    /// (it committed, and its answer was lost). If it does, it counts as written. A read that fails throws: nobody can tell.
    /// </summary>
    public async Task<bool> StoredAfterAllAsync()
    {
        if (await ReadEntryAsync(Head + 1) is not { RecordExists: true })
        {
            return false;
        }

        Head++;
        return true;
    }

    private async Task SnapshotAsync()
    {
        var next = new GrainState<JournalSnapshot<TState>>(new JournalSnapshot<TState> { State = State, Through = Head }) { ETag = _snapshotETag };
        try
        {
            await storage.WriteStateAsync(name, grain, next);
            (_snapshotETag, _snapshotThrough) = (next.ETag, Head);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The entries are stored; only the replay of the next activation gets longer until a snapshot succeeds.
            await LearnStoredSnapshotAsync();
        }
    }

    /// <summary>
    /// After a failed snapshot write: a write that committed but whose answer was lost left the stored snapshot a version
    /// ahead of the ETag held here, and every later snapshot would be refused. So the stored one's version is taken, unless
    /// it sums up entries past this life's (another life is ahead: this one's next entry will be refused and it reloads).
    /// </summary>
    private async Task LearnStoredSnapshotAsync()
    {
        try
        {
            var stored = new GrainState<JournalSnapshot<TState>>(new JournalSnapshot<TState>());
            await storage.ReadStateAsync(name, grain, stored);
            if (stored.State is { } snapshot && snapshot.Through <= Head)
            {
                (_snapshotETag, _snapshotThrough) = (stored.ETag, snapshot.Through);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The next due snapshot tries again.
        }
    }

    private async Task<GrainState<TEntry>> ReadEntryAsync(long number)
    {
        var entry = new GrainState<TEntry>();
        await storage.ReadStateAsync(EntryName(number), grain, entry);
        return entry;
    }

    private string EntryName(long number) => $"{name}/{number}";
}
