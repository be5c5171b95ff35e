using ApexOrleans.TestSupport;
using Orleans.Storage;

namespace ApexOrleans.Storage.Tests.Contract;

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStorageContract(PostgresFixture postgres) : GrainStorageContract
{
    private readonly string _schema = PostgresFixture.NewSchemaName();
    private readonly List<PostgresGrainStorage> _created = [];

    protected override IGrainStorage CreateStorage() => CreateStorage(new WebJsonGrainStorageSerializer());

    private PostgresGrainStorage CreateStorage(IGrainStorageSerializer serializer)
    {
        var storage = new PostgresGrainStorage(
            new PostgresGrainStorageOptions { ConnectionString = postgres.ConnectionString, Schema = _schema }, serializer);
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
        var grain = GrainId.Create("ledger", "large");
        var entries = Enumerable.Range(0, 2_000).Select(i => $"inv-{i:D5} paid in full").ToList();
        await CreateStorage().WriteStateAsync("ledger", grain, new GrainState<Ledger> { State = new Ledger { Owner = "Sarah", Entries = entries } });

        var read = new GrainState<Ledger>();
        await CreateStorage().ReadStateAsync("ledger", grain, read);
        await using var connection = await postgres.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT pg_column_compression(payload) FROM \"{_schema}\".grain_state WHERE grain_key = 'large'";
        var compression = await command.ExecuteScalarAsync();

        Assert.Equal(entries, read.State!.Entries);
        Assert.Equal("lz4", compression);
    }

    [SkippableFact]
    public async Task AWriteTheServerRefusesFailsAloneAndTheRestOfItsBatchIsStored()
    {
        // Writes made at once are grouped (see ManyGrainsWritingAtOnce...), and a batch is one implicit transaction: the refused
        // statement rolls back the whole batch, whose other writes must be stored all the same, each on its own.
        var storage = CreateStorage(new RefusedOwnerSerializer("poison"));
        var writes = Enumerable.Range(0, 100).Select(i => storage.WriteStateAsync("ledger", GrainId.Create("ledger", $"tenant-{i}"),
            new GrainState<Ledger> { State = new Ledger { Owner = i == 50 ? "poison" : $"owner-{i}", Balance = i } })).ToList();
        await Task.WhenAll(writes).ContinueWith(_ => { }, TaskScheduler.Default);

        var failed = writes.Select((w, i) => (w, i)).Where(x => x.w.IsFaulted).ToList();
        var refusal = Assert.IsType<Npgsql.PostgresException>(Assert.Single(failed).w.Exception!.InnerException);
        var reader = CreateStorage();
        var stored = new List<(string, decimal)>();
        for (var i = 0; i < 100; i++)
        {
            var read = new GrainState<Ledger>();
            await reader.ReadStateAsync("ledger", GrainId.Create("ledger", $"tenant-{i}"), read);
            stored.Add((read.State!.Owner, read.State!.Balance));
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
    private sealed class RefusedOwnerSerializer(string owner) : IGrainStorageSerializer
    {
        private readonly WebJsonGrainStorageSerializer _json = new();

        public BinaryData Serialize<T>(T? input) => input is Ledger ledger && ledger.Owner == owner ? new BinaryData("{not json"u8.ToArray()) : _json.Serialize(input);

        public T? Deserialize<T>(BinaryData input) => _json.Deserialize<T>(input);
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
