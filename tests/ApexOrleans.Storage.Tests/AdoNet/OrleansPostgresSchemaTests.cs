using ApexOrleans.Storage.AdoNet;
using ApexOrleans.TestSupport;
using Npgsql;

namespace ApexOrleans.Storage.Tests.AdoNet;

/// <summary>The schema Orleans' ADO.NET providers need, set up by the project: complete, idempotent, and safe from many silos at once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansPostgresSchemaTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly string[] StorageKeys = ["ClearStorageKey", "DeleteStorageKey", "ReadFromStorageKey", "WriteToStorageKey"];

    private static readonly string[] ClusteringKeys =
    [
        "CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "InsertMembershipKey",
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey",
    ];

    private string? _schema;

    [SkippableFact]
    public async Task EightSilosSettingItUpAtOnceThenAgainMakeOneCompleteSchemaAndTheSecondRunChangesNothing()
    {
        var connectionString = AdoNetPostgres.FreshSchema(postgres, out var schema);
        _schema = schema;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => OrleansPostgresSchema.EnsureAsync(connectionString))));
        var first = await SnapshotAsync(schema);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => OrleansPostgresSchema.EnsureAsync(connectionString))));
        var second = await SnapshotAsync(schema);

        Assert.Equal(
            [
                "orleansmembershiptable", "orleansmembershipversiontable", "orleansquery", "orleansquery_key", "orleansstorage",
                "orleansstorage_identity", "pk_membershiptable_deploymentid", "pk_orleansmembershipversiontable_deploymentid",
            ],
            first.Relations);
        Assert.Equal(StorageKeys.Concat(ClusteringKeys).Order(StringComparer.Ordinal), first.Queries.Select(q => q.Key));
        Assert.Equal(first, second);
    }

    [SkippableFact]
    public async Task AQueryTextChangedOrRemovedIsPutBackAndTheRestIsLeftAlone()
    {
        var connectionString = AdoNetPostgres.FreshSchema(postgres, out var schema);
        _schema = schema;
        await OrleansPostgresSchema.EnsureAsync(connectionString);
        var before = await SnapshotAsync(schema);
        await ExecuteAsync($"""
            UPDATE "{schema}".OrleansQuery SET QueryText = 'SELECT 1' WHERE QueryKey = 'ReadFromStorageKey';
            DELETE FROM "{schema}".OrleansQuery WHERE QueryKey = 'GatewaysQueryKey'
            """);

        await OrleansPostgresSchema.EnsureAsync(connectionString);
        var after = await SnapshotAsync(schema);

        Assert.Equal(before.Queries.Select(q => (q.Key, q.Text)), after.Queries.Select(q => (q.Key, q.Text)));
        var rewritten = before.Queries.Zip(after.Queries).Where(p => p.First.RowVersion != p.Second.RowVersion).Select(p => p.First.Key);
        Assert.Equal(["GatewaysQueryKey", "ReadFromStorageKey"], rewritten);
    }

    [Theory]
    [InlineData("Host=h", null)]
    [InlineData("Host=h;Search Path=tenant_a", "tenant_a")]
    [InlineData("Host=h;Search Path=Tenant_A, public", "tenant_a")]
    public void TheSchemaIsTheFirstOnTheSearchPathAsPostgreSqlFoldsIt(string connectionString, string? schema) =>
        Assert.Equal(schema, OrleansPostgresSchema.TargetSchema(connectionString));

    [Fact]
    public void ASearchPathThatIsNoPlainIdentifierIsRefused() =>
        Assert.Throws<ArgumentException>(() => OrleansPostgresSchema.TargetSchema("Host=h;Search Path=\"x; DROP TABLE y\""));

    /// <summary>The schema's relations and query rows, each with its row version (xmin), which any rewrite changes.</summary>
    private async Task<Snapshot> SnapshotAsync(string schema)
    {
        await using var connection = await postgres.OpenAsync();
        var relations = new List<string>();
        await using (var command = new NpgsqlCommand(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY c.relname COLLATE \"C\"", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = schema });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                relations.Add(reader.GetString(0));
            }
        }

        var queries = new List<QueryRow>();
        await using (var command = new NpgsqlCommand($"SELECT QueryKey, QueryText, xmin::text FROM \"{schema}\".OrleansQuery ORDER BY QueryKey COLLATE \"C\"", connection))
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                queries.Add(new QueryRow(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        return new Snapshot(string.Join(",", relations).Split(','), queries);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await postgres.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed record QueryRow(string Key, string Text, string RowVersion);

    private sealed record Snapshot(IReadOnlyList<string> Relations, IReadOnlyList<QueryRow> Queries)
    {
        public bool Equals(Snapshot? other) =>
            other is not null && Relations.SequenceEqual(other.Relations) && Queries.SequenceEqual(other.Queries);

        public override int GetHashCode() => Relations.Count;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_schema is not null)
        {
            await AdoNetPostgres.DropSchemaAsync(postgres, _schema);
        }
    }
}
