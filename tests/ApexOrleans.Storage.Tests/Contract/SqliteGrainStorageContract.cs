using ApexOrleans.TestSupport;
using Orleans.Storage;

namespace ApexOrleans.Storage.Tests.Contract;

public sealed class SqliteGrainStorageContract : GrainStorageContract, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteGrainStorage> _created = [];

    protected override IGrainStorage CreateStorage()
    {
        // Disposed at the end of the test, so their writers and background checkpoints stop before the folder goes.
        var storage = new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = _folder.File("nested/dir/apex.db") }, new WebJsonGrainStorageSerializer());
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
            new WebJsonGrainStorageSerializer());
        await storage.WriteStateAsync("ledger", GrainId.Create("ledger", "before"), new GrainState<Ledger> { State = new Ledger { Owner = "before" } });

        await using (var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await other.OpenAsync();
            await using var lockFile = other.CreateCommand();
            lockFile.CommandText = "BEGIN IMMEDIATE";
            await lockFile.ExecuteNonQueryAsync(); // another process holds the write lock past the busy timeout
            await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() =>
                storage.WriteStateAsync("ledger", GrainId.Create("ledger", "during"), new GrainState<Ledger> { State = new Ledger { Owner = "during" } }));
        }

        await storage.WriteStateAsync("ledger", GrainId.Create("ledger", "after"), new GrainState<Ledger> { State = new Ledger { Owner = "after" } });
        await using var reader = new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = path }, new WebJsonGrainStorageSerializer());
        var owners = new List<(string, bool)>();
        foreach (var key in new[] { "before", "during", "after" })
        {
            var read = new GrainState<Ledger>();
            await reader.ReadStateAsync("ledger", GrainId.Create("ledger", key), read);
            owners.Add((read.State!.Owner, read.RecordExists));
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
        }, new WebJsonGrainStorageSerializer());
        var owner = new string('x', 3_000); // a state of about a page, so 200 of them are about 200 pages in the log
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            storage.WriteStateAsync("ledger", GrainId.Create("ledger", $"k{i}"), new GrainState<Ledger> { State = new Ledger { Owner = owner + i } })));

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

        await using var reader = new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = path }, new WebJsonGrainStorageSerializer());
        var read = new GrainState<Ledger>();
        await reader.ReadStateAsync("ledger", GrainId.Create("ledger", "k199"), read);
        Assert.Equal(owner + 199, read.State!.Owner);
    }

    [Fact]
    public async Task DisposingTheStorageTwiceIsHarmlessAndAWriteAfterItIsRefused()
    {
        var path = _folder.File("disposed.db");
        var storage = new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = path, BackgroundCheckpointInterval = TimeSpan.FromMilliseconds(5) },
            new WebJsonGrainStorageSerializer());
        await storage.WriteStateAsync("ledger", GrainId.Create("ledger", "kept"), new GrainState<Ledger> { State = new Ledger { Owner = "kept" } });
        await Task.Delay(30); // a few background passes

        await storage.DisposeAsync();
        await storage.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() =>
            storage.WriteStateAsync("ledger", GrainId.Create("ledger", "late"), new GrainState<Ledger> { State = new Ledger { Owner = "late" } }));
        await using var reader = new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = path }, new WebJsonGrainStorageSerializer());
        var read = new GrainState<Ledger>();
        await reader.ReadStateAsync("ledger", GrainId.Create("ledger", "kept"), read);
        Assert.Equal("kept", read.State!.Owner);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.5)]
    [InlineData(7_200_000.0)]
    public void ABackgroundCheckpointIntervalThatCannotWorkIsRefusedWhenTheStorageIsCreated(double milliseconds)
    {
        var options = new SqliteGrainStorageOptions { DataSource = _folder.File("refused.db"), BackgroundCheckpointInterval = TimeSpan.FromMilliseconds(milliseconds) };

        var refused = Assert.Throws<ArgumentException>(() => new SqliteGrainStorage(options, new WebJsonGrainStorageSerializer()));

        Assert.Contains("BackgroundCheckpointInterval", refused.Message);
    }

    [Fact]
    public async Task EachRowIsStampedWithTheStoragesClock()
    {
        var path = _folder.File("clocked.db");
        var clock = new FixedClock(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero));
        await using (var storage = new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = path }, new WebJsonGrainStorageSerializer(), clock))
        {
            await storage.WriteStateAsync("ledger", GrainId.Create("ledger", "clocked"), new GrainState<Ledger>(new Ledger()));
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT modified_at FROM grain_state WHERE grain_key = 'clocked'";
        var stamped = DateTimeOffset.Parse((string)(await command.ExecuteScalarAsync())!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(clock.GetUtcNow(), stamped);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public void Dispose() => _folder.Dispose();
}
