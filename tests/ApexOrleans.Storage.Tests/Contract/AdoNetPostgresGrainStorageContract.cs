using ApexOrleans.Storage.Tests.AdoNet;
using ApexOrleans.TestSupport;
using Npgsql;
using Orleans.Storage;

namespace ApexOrleans.Storage.Tests.Contract;

/// <summary>The storage contract on PostgreSQL through Orleans' ADO.NET provider: the provider PostgreSQL means in the product.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AdoNetPostgresGrainStorageContract(PostgresFixture postgres) : GrainStorageContract
{
    private readonly Lazy<(string ConnectionString, string Schema)> _database = new(() =>
        (AdoNetPostgres.FreshSchema(postgres, out var schema), schema));

    protected override IGrainStorage CreateStorage() => AdoNetPostgres.Create(_database.Value.ConnectionString);

    [SkippableFact]
    public async Task ARowIsKeyedByTheStateNameAndTheWholeGrainIdAndHoldsTheSerializersBytes()
    {
        var grain = GrainId.Create("ledger", "sarahs-boutique");
        await CreateStorage().WriteStateAsync("ledger", grain, new GrainState<Ledger> { State = new Ledger { Owner = "Sarah" } });

        await using var connection = new NpgsqlConnection(_database.Value.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, convert_from(PayloadBinary, 'UTF8'), Version FROM OrleansStorage", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.Equal(("contract", "ledger", 0L, 0L, "ledger/sarahs-boutique"),
            (reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4)));
        Assert.Equal("""{"owner":"Sarah","balance":0,"entries":[]}""", reader.GetString(5));
        Assert.Equal(1, reader.GetInt32(6));
        Assert.False(await reader.ReadAsync());
    }

    [SkippableFact]
    public async Task KeysThatOrleansWouldReadAsNumbersOrGuidsAreKeptApart()
    {
        // Orleans' provider alone stores "ab", "00ab" and "AB" (hexadecimal numbers to it) in one row; the mesh's keys are text.
        var storage = CreateStorage();
        string[] keys = ["ab", "00ab", "AB", "12+ext", "012+ext", Guid.Empty.ToString("N"), Guid.Empty.ToString("N") + "+x"];
        foreach (var key in keys)
        {
            await storage.WriteStateAsync("ledger", GrainId.Create("ledger", key), new GrainState<Ledger> { State = new Ledger { Owner = key } });
        }

        foreach (var key in keys)
        {
            var read = new GrainState<Ledger>();
            await CreateStorage().ReadStateAsync("ledger", GrainId.Create("ledger", key), read);
            Assert.Equal(key, read.State!.Owner);
        }
    }

    [SkippableFact]
    public async Task AConflictOrleansReportsWithoutEtagsIsReportedWithTheStoredOne()
    {
        // Orleans' own exception names neither ETag; the mesh's message and StoredEtag come from reading the row again.
        var storage = CreateStorage();
        var grain = GrainId.Create("ledger", "contested");
        var mine = new GrainState<Ledger> { State = new Ledger { Owner = "mine" } };
        await storage.WriteStateAsync("ledger", grain, mine);
        var theirs = new GrainState<Ledger>();
        await storage.ReadStateAsync("ledger", grain, theirs);
        await storage.WriteStateAsync("ledger", grain, theirs);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("ledger", grain, mine));

        Assert.Equal(("2", "1"), (error.StoredEtag, error.CurrentEtag));
        Assert.Equal("mine", (await ReadLedgerAsync(storage, grain)).State!.Owner);
    }

    [SkippableFact]
    public async Task ADatabaseThatCannotBeReachedFailsTheCallNotTheProvidersCreation()
    {
        var unreachable = AdoNetPostgres.Create(
            new NpgsqlConnectionStringBuilder(_database.Value.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString);

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ReadLedgerAsync(unreachable, GrainId.Create("ledger", "x")));

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ReadLedgerAsync(unreachable, GrainId.Create("ledger", "x"))); // tried again, not remembered
    }

    private static async Task<GrainState<Ledger>> ReadLedgerAsync(IGrainStorage storage, GrainId grain)
    {
        var state = new GrainState<Ledger>();
        await storage.ReadStateAsync("ledger", grain, state);
        return state;
    }

    public override async Task DisposeAsync()
    {
        if (_database.IsValueCreated)
        {
            await AdoNetPostgres.DropSchemaAsync(postgres, _database.Value.Schema);
        }
    }
}
