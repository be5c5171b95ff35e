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

    protected override IGrainStorage CreateStorage() =>
        new SqliteGrainStorage(new SqliteGrainStorageOptions { DataSource = _folder.File("nested/dir/apex.db") }, new JsonGrainStateSerializer(), TimeProvider.System);

    protected override void AssertGroupedWrites(IGrainStorage storage) => SqlGrouping.AssertGrouped((SqlGrainStorage)storage);

    public void Dispose() => _folder.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStorageContract(PostgresFixture postgres) : GrainStorageContract
{
    private readonly string _schema = PostgresFixture.NewSchemaName();
    private readonly List<PostgresGrainStorage> _created = [];

    protected override IGrainStorage CreateStorage()
    {
        var storage = new PostgresGrainStorage(
            new PostgresGrainStorageOptions { ConnectionString = postgres.ConnectionString, Schema = _schema },
            new JsonGrainStateSerializer(), TimeProvider.System);
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
    /// <summary>202 writes were committed; with group commit they took clearly fewer transactions than one each.</summary>
    public static void AssertGrouped(SqlGrainStorage storage)
    {
        Assert.Equal(202, storage.CommittedWrites);
        Assert.True(storage.CommittedTransactions < storage.CommittedWrites / 4,
            $"{storage.CommittedWrites} writes in {storage.CommittedTransactions} transactions: the writes were not grouped");
    }
}
