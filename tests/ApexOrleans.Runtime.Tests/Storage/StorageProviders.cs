using ApexOrleans.Runtime.Storage;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Runtime.Tests.Storage;

public sealed class MemoryGrainStorageContract : GrainStorageContract
{
    private readonly MemoryGrainStore _store = new();

    protected override IGrainStorage CreateStorage() => new MemoryGrainStorage(_store, new JsonGrainStateSerializer());
}

public sealed class SqliteGrainStorageContract : GrainStorageContract, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteGrainStorage> _created = [];

    protected override IGrainStorage CreateStorage()
    {
        // Disposed at the end of the test, so their writers and background checkpoints stop before the folder goes.
        var storage = new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = _folder.File("nested/dir/apex.db") }, new JsonGrainStateSerializer(), TimeProvider.System);
        _created.Add(storage);
        return storage;
    }

    public override async Task DisposeAsync()
    {
        foreach (var storage in _created)
        {
            await storage.DisposeAsync();
        }
    }

    protected override void AssertGroupedWrites(IGrainStorage storage) => SqlGrouping.AssertGrouped((SqlGrainStorage)storage);

    [SkippableFact]
    public async Task AWriteRefusedByALockedFileFailsAndTheWriterWritesAgainOnceTheLockIsGone()
    {
        // The writer keeps its connection between batches: a failure must not leave it stuck on that connection.
        var path = _folder.File("locked.db");
        await using var storage = new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = path, BusyTimeout = TimeSpan.FromMilliseconds(500) },
            new JsonGrainStateSerializer(), TimeProvider.System);
        await storage.WriteStateAsync("ledger", new GrainId("ledger", "before"), new GrainState<Ledger> { State = new Ledger { Owner = "before" } });

        await using (var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await other.OpenAsync();
            await using var lockFile = other.CreateCommand();
            lockFile.CommandText = "BEGIN IMMEDIATE";
            await lockFile.ExecuteNonQueryAsync(); // another process holds the write lock past the busy timeout
            await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() =>
                storage.WriteStateAsync("ledger", new GrainId("ledger", "during"), new GrainState<Ledger> { State = new Ledger { Owner = "during" } }));
        }

        await storage.WriteStateAsync("ledger", new GrainId("ledger", "after"), new GrainState<Ledger> { State = new Ledger { Owner = "after" } });
        await using var reader = new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = path }, new JsonGrainStateSerializer(), TimeProvider.System);
        var owners = new List<(string, bool)>();
        foreach (var key in new[] { "before", "during", "after" })
        {
            var read = new GrainState<Ledger>();
            await reader.ReadStateAsync("ledger", new GrainId("ledger", key), read);
            owners.Add((read.State.Owner, read.RecordExists));
        }

        Assert.Equal([("before", true), ("", false), ("after", true)], owners);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheLogIsCopiedIntoTheDatabaseFileInTheBackgroundOnlyWhenTheCheckpointerRuns(bool checkpointer)
    {
        // The writer's own checkpoint is put out of reach (a million pages), so only the background passes copy the log.
        var path = _folder.File($"checkpointed-{checkpointer}.db");
        await using var storage = new SqliteGrainStorage(new SqliteGrainStorageOptions
        {
            DataSource = path,
            WalAutoCheckpointPages = 1_000_000,
            BackgroundCheckpointInterval = checkpointer ? TimeSpan.FromMilliseconds(20) : TimeSpan.Zero,
        }, new JsonGrainStateSerializer(), TimeProvider.System);
        var owner = new string('x', 3_000); // a state of about a page, so 200 of them are about 200 pages in the log
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            storage.WriteStateAsync("ledger", new GrainId("ledger", $"k{i}"), new GrainState<Ledger> { State = new Ledger { Owner = owner + i } })));

        bool Copied() => new FileInfo(path).Length >= 200 * 3_000;
        if (checkpointer)
        {
            await Eventually.HoldsAsync(Copied, "the log was copied into the database file");
        }
        else
        {
            await Task.Delay(TimeSpan.FromSeconds(1)); // the file only grows, so a check after a second covers the second
            Assert.False(Copied());
        }

        await using var reader = new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = path }, new JsonGrainStateSerializer(), TimeProvider.System);
        var read = new GrainState<Ledger>();
        await reader.ReadStateAsync("ledger", new GrainId("ledger", "k199"), read);
        Assert.Equal(owner + 199, read.State.Owner);
    }

    [Fact]
    public async Task DisposingTheStorageTwiceIsHarmlessAndAWriteAfterItIsRefused()
    {
        var path = _folder.File("disposed.db");
        var storage = new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = path, BackgroundCheckpointInterval = TimeSpan.FromMilliseconds(5) },
            new JsonGrainStateSerializer(), TimeProvider.System);
        await storage.WriteStateAsync("ledger", new GrainId("ledger", "kept"), new GrainState<Ledger> { State = new Ledger { Owner = "kept" } });
        await Task.Delay(30); // a few background passes

        await storage.DisposeAsync();
        await storage.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() =>
            storage.WriteStateAsync("ledger", new GrainId("ledger", "late"), new GrainState<Ledger> { State = new Ledger { Owner = "late" } }));
        await using var reader = new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = path }, new JsonGrainStateSerializer(), TimeProvider.System);
        var read = new GrainState<Ledger>();
        await reader.ReadStateAsync("ledger", new GrainId("ledger", "kept"), read);
        Assert.Equal("kept", read.State.Owner);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.5)]
    [InlineData(7_200_000.0)]
    public void ABackgroundCheckpointIntervalThatCannotWorkIsRefusedWhenTheStorageIsCreated(double milliseconds)
    {
        var options = new SqliteGrainStorageOptions { DataSource = _folder.File("refused.db"), BackgroundCheckpointInterval = TimeSpan.FromMilliseconds(milliseconds) };

        var refused = Assert.Throws<ArgumentException>(() => new SqliteGrainStorage(options, new JsonGrainStateSerializer(), TimeProvider.System));

        Assert.Contains("BackgroundCheckpointInterval", refused.Message);
    }

    public void Dispose() => _folder.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStorageContract(PostgresFixture postgres) : GrainStorageContract
{
    private readonly string _schema = PostgresFixture.NewSchemaName();
    private readonly List<PostgresGrainStorage> _created = [];

    protected override IGrainStorage CreateStorage() => CreateStorage(new JsonGrainStateSerializer());

    private PostgresGrainStorage CreateStorage(IGrainStateSerializer serializer)
    {
        var storage = new PostgresGrainStorage(
            new PostgresGrainStorageOptions { ConnectionString = postgres.ConnectionString, Schema = _schema }, serializer, TimeProvider.System);
        lock (_created)
        {
            _created.Add(storage);
        }

        return storage;
    }

    protected override void AssertGroupedWrites(IGrainStorage storage) => SqlGrouping.AssertGrouped((SqlGrainStorage)storage);

    [SkippableFact]
    public async Task LargeStatesAreStoredLz4CompressedAndReadBackExactly()
    {
        var grain = new GrainId("ledger", "large");
        var entries = Enumerable.Range(0, 2_000).Select(i => $"inv-{i:D5} paid in full").ToList();
        await CreateStorage().WriteStateAsync("ledger", grain, new GrainState<Ledger> { State = new Ledger { Owner = "Sarah", Entries = entries } });

        var read = new GrainState<Ledger>();
        await CreateStorage().ReadStateAsync("ledger", grain, read);
        await using var connection = await postgres.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT pg_column_compression(payload) FROM \"{_schema}\".grain_state WHERE grain_key = 'large'";
        var compression = await command.ExecuteScalarAsync();

        Assert.Equal(entries, read.State.Entries);
        Assert.Equal("lz4", compression);
    }

    [SkippableFact]
    public async Task AWriteTheServerRefusesFailsAloneAndTheRestOfItsBatchIsStored()
    {
        // Writes made at once are grouped (see ManyGrainsWritingAtOnce...), and a batch is one implicit transaction: the refused
        // statement rolls back the whole batch, whose other writes must be stored all the same, each on its own.
        var storage = CreateStorage(new RefusedOwnerSerializer("poison"));
        var writes = Enumerable.Range(0, 100).Select(i => storage.WriteStateAsync("ledger", new GrainId("ledger", $"tenant-{i}"),
            new GrainState<Ledger> { State = new Ledger { Owner = i == 50 ? "poison" : $"owner-{i}", Balance = i } })).ToList();
        await Task.WhenAll(writes).ContinueWith(_ => { }, TaskScheduler.Default);

        var failed = writes.Select((w, i) => (w, i)).Where(x => x.w.IsFaulted).ToList();
        var refusal = Assert.IsType<Npgsql.PostgresException>(Assert.Single(failed).w.Exception!.InnerException);
        var reader = CreateStorage();
        var stored = new List<(string, decimal)>();
        for (var i = 0; i < 100; i++)
        {
            var read = new GrainState<Ledger>();
            await reader.ReadStateAsync("ledger", new GrainId("ledger", $"tenant-{i}"), read);
            stored.Add((read.State.Owner, read.State.Balance));
        }

        Assert.Equal(50, failed[0].i);
        Assert.Equal("22P02", refusal.SqlState); // invalid input syntax for type json
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i == 50 ? ("", 0m) : ($"owner-{i}", (decimal)i)), stored);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Username=apex", true, 16)]
    [InlineData("Host=127.0.0.1;Username=apex;No Reset On Close=false;Max Auto Prepare=4", false, 4)]
    [InlineData("Host=127.0.0.1;Username=apex;noresetonclose=False", false, 16)]
    public void PooledConnectionsSkipTheResetAndPrepareStatementsUnlessTheConnectionStringSaysOtherwise(string given, bool noReset, int prepared)
    {
        var settings = PostgresGrainStorage.ConnectionSettings(given, preparedStatements: 16);

        Assert.Equal((noReset, prepared), (settings.NoResetOnClose, settings.MaxAutoPrepare));
    }

    /// <summary>Writes text that is not JSON for one owner, as a store-refused statement.</summary>
    private sealed class RefusedOwnerSerializer(string owner) : IGrainStateSerializer
    {
        private readonly JsonGrainStateSerializer _json = new();

        public byte[] Serialize<T>(T state) => state is Ledger ledger && ledger.Owner == owner ? "{not json"u8.ToArray() : _json.Serialize(state);

        public T Deserialize<T>(ReadOnlySpan<byte> payload) where T : new() => _json.Deserialize<T>(payload);
    }

    public override async Task DisposeAsync()
    {
        foreach (var storage in _created)
        {
            await storage.DisposeAsync();
        }

        if (_created.Count > 0)
        {
            await using var connection = await postgres.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = $"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE";
            await drop.ExecuteNonQueryAsync();
        }
    }
}

internal static class SqlGrouping
{
    /// <summary>
    /// 202 writes were committed, with the payload bytes of exactly those (the refused stale write counts for nothing); with
    /// group commit they took clearly fewer transactions than one each.
    /// </summary>
    public static void AssertGrouped(SqlGrainStorage storage)
    {
        Assert.Equal(202, storage.CommittedWrites);
        var serializer = new JsonGrainStateSerializer();
        long Size(string owner, decimal balance) => serializer.Serialize(new Ledger { Owner = owner, Balance = balance }).Length;
        Assert.Equal(Size("first", 0) + Size("second", 0) + Enumerable.Range(0, 200).Sum(i => Size($"owner-{i}", i)), storage.CommittedPayloadBytes);
        Assert.True(storage.CommittedTransactions < storage.CommittedWrites / 4,
            $"{storage.CommittedWrites} writes in {storage.CommittedTransactions} transactions: the writes were not grouped");
    }
}
