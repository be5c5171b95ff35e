using ApexOrleans.Grains.Persistence;
using ApexOrleans.Storage;
using Orleans.Storage;
using MemoryGrainStorage = ApexOrleans.Storage.MemoryGrainStorage;

namespace ApexOrleans.Mesh.Tests.Persistence;

public sealed class StateJournalTests
{
    private static readonly GrainId Grain = GrainId.Create("journaled", "t/one");

    [Fact]
    public async Task EachChangeIsWrittenOnceAsItsOwnEntryAndTheStateOnlyAtSnapshots()
    {
        var storage = new CountingStorage(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()));
        var journal = Journal(storage, snapshotEvery: 3);
        await journal.ReadAsync();
        for (var i = 1; i <= 7; i++)
        {
            await ChangeAsync(journal, i);
        }

        Assert.Equal(["sums/1", "sums/2", "sums/3", "sums", "sums/4", "sums/5", "sums/6", "sums", "sums/7"], storage.Written);
        var snapshot = new GrainState<JournalSnapshot<List<int>>>();
        await storage.ReadStateAsync("sums", Grain, snapshot);
        Assert.Equal(6, snapshot.State!.Through);
        Assert.Equal([1, 3, 6, 10, 15, 21], snapshot.State.State);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(4, 3)]
    [InlineData(64, 8)]
    public async Task AnActivationReplaysTheEntriesAfterItsSnapshotToTheSameState(int snapshotEvery, int readAhead)
    {
        var storage = new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer());
        var journal = Journal(storage, snapshotEvery, readAhead);
        await journal.ReadAsync();
        for (var i = 1; i <= 10; i++)
        {
            await ChangeAsync(journal, i);
        }

        var next = Journal(storage, snapshotEvery, readAhead);
        await next.ReadAsync();
        Assert.Equal(10, next.Head);
        Assert.Equal(journal.State, next.State);
        Assert.Equal(55, next.State[^1]);
    }

    [Fact]
    public async Task TwoLivesOfOneGrainNeverBothWriteOneEntry()
    {
        var storage = new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer());
        var (first, stale) = (Journal(storage), Journal(storage));
        await first.ReadAsync();
        await stale.ReadAsync();
        await ChangeAsync(first, 5);

        await Assert.ThrowsAsync<InconsistentStateException>(() => ChangeAsync(stale, 7));
        await stale.ReadAsync(); // what a refused grain does: start again from the store
        await ChangeAsync(stale, 7);

        var read = Journal(storage);
        await read.ReadAsync();
        Assert.Equal([5, 12], read.State);
    }

    [Fact]
    public async Task ASnapshotThatFailsLosesNoEntry()
    {
        var storage = new CountingStorage(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer())) { FailWritesOf = "sums" };
        var journal = Journal(storage, snapshotEvery: 2);
        await journal.ReadAsync();
        for (var i = 1; i <= 5; i++)
        {
            await ChangeAsync(journal, i);
        }

        var read = Journal(storage, snapshotEvery: 2);
        await read.ReadAsync();
        Assert.Equal([1, 3, 6, 10, 15], read.State);
        Assert.Equal(4, storage.Failed); // due after entry 2, and tried again after each entry since
    }

    [Fact]
    public async Task ASnapshotWhoseAnswerWasLostDoesNotStopTheNextOnes()
    {
        // The first snapshot commits, then its answer is lost: the version held in memory is one behind the store's.
        var storage = new CountingStorage(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer())) { LoseTheAnswerOnceOf = "sums" };
        var journal = Journal(storage, snapshotEvery: 2);
        await journal.ReadAsync();
        for (var i = 1; i <= 6; i++)
        {
            await ChangeAsync(journal, i);
        }

        var snapshot = new GrainState<JournalSnapshot<List<int>>>();
        await storage.ReadStateAsync("sums", Grain, snapshot);
        Assert.Equal(1, storage.Failed);
        Assert.Equal(6, snapshot.State!.Through);
        Assert.Equal([1, 3, 6, 10, 15, 21], snapshot.State.State);
    }

    [Fact]
    public async Task AStateStoredWholeBeforeJournalsIsReadAsTheSnapshotOfEntryZero()
    {
        // Grain states are JSON objects: one stored whole (as apps and queues stored theirs) has no "state" in it.
        var storage = new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer());
        await storage.WriteStateAsync("totals", Grain, new GrainState<Totals>(new Totals { Values = [1, 3] }));
        StateJournal<Totals, int> Open() => new(storage, "totals", Grain, (t, n) => t.Values.Add(n), new StateJournalOptions { SnapshotEvery = 1 });

        var journal = Open();
        await journal.ReadAsync();
        Assert.Equal([1, 3], journal.State.Values);
        journal.State.Values.Add(5);
        await journal.AppendAsync(5); // the first snapshot replaces the whole state, with its version

        var read = Open();
        await read.ReadAsync();
        Assert.Equal([1, 3, 5], read.State.Values);
        var snapshot = new GrainState<JournalSnapshot<Totals>>();
        await storage.ReadStateAsync("totals", Grain, snapshot);
        Assert.Equal(1, snapshot.State!.Through);
    }

    /// <summary>A state as a JSON object, as every grain state is.</summary>
    public sealed class Totals
    {
        public List<int> Values { get; set; } = [];
    }

    /// <summary>A journal of running sums: an entry is a number, its replay appends the new sum.</summary>
    private static StateJournal<List<int>, int> Journal(IGrainStorage storage, int snapshotEvery = 64, int readAhead = 8) =>
        new(storage, "sums", Grain, Add, new StateJournalOptions { SnapshotEvery = snapshotEvery, ReadAhead = readAhead });

    private static void Add(List<int> sums, int n) => sums.Add((sums.Count > 0 ? sums[^1] : 0) + n);

    /// <summary>What a grain does: change the state in memory, then append the change.</summary>
    private static async Task ChangeAsync(StateJournal<List<int>, int> journal, int n)
    {
        Add(journal.State, n);
        await journal.AppendAsync(n);
    }

    /// <summary>Records the names of the states written, and fails every write of one of them.</summary>
    private sealed class CountingStorage(IGrainStorage inner) : IGrainStorage
    {
        public List<string> Written { get; } = [];

        public string? FailWritesOf { get; init; }

        public string? LoseTheAnswerOnceOf { get; set; }

        public int Failed { get; private set; }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (stateName == FailWritesOf)
            {
                Failed++;
                return Task.FromException(new IOException("Simulated failure of a snapshot write."));
            }

            Written.Add(stateName);
            if (stateName == LoseTheAnswerOnceOf)
            {
                LoseTheAnswerOnceOf = null;
                Failed++;
                return inner.WriteStateAsync(stateName, grainId, grainState)
                    .ContinueWith(_ => throw new IOException("Simulated loss of the answer to a committed write."), TaskScheduler.Default);
            }

            return inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
    }
}
