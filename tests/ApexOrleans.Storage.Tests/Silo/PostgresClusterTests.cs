using ApexOrleans.Storage.Tests.AdoNet;
using ApexOrleans.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;

namespace ApexOrleans.Storage.Tests.Silo;

/// <summary>A real cluster: two Orleans silos in this process joined through PostgreSQL membership, sharing grain state there.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClusterTests(PostgresFixture postgres) : IAsyncLifetime
{
    private string? _schema;

    [SkippableFact]
    public async Task TwoSilosJoinThroughPostgresSeeEachOtherActiveAndShareGrainState()
    {
        // A session time zone far from UTC: a time Orleans binds without its zone would be stored hours off.
        var connectionString = new NpgsqlConnectionStringBuilder(AdoNetPostgres.FreshSchema(postgres, out var schema)) { Timezone = "Pacific/Auckland" }.ConnectionString;
        _schema = schema;
        await using var cluster = new PostgresCluster(connectionString);
        var first = await cluster.StartSiloAsync();
        var second = await cluster.StartSiloAsync();
        var firstGrains = first.Services.GetRequiredService<IGrainFactory>();
        var secondGrains = second.Services.GetRequiredService<IGrainFactory>();

        await Eventually.HoldsAsync(async () =>
            (await firstGrains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count == 2 &&
            (await secondGrains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count == 2,
            "both silos see two active silos", TimeSpan.FromSeconds(60));
        var members = await MembersAsync(connectionString, cluster.ClusterId);
        Assert.Equal([3, 3], members.Select(m => m.Status)); // SiloStatus.Active
        Assert.All(members, m => Assert.InRange(m.SecondsSinceAlive, -60, 120));

        await firstGrains.GetGrain<INoteGrain>("shared").WriteAsync("through the first silo");

        Assert.Equal("through the first silo", await secondGrains.GetGrain<INoteGrain>("shared").ReadAsync());
        var stored = new GrainState<NoteState>();
        await second.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default)
            .ReadStateAsync(NoteGrain.StateName, GrainId.Create(NoteGrain.TypeName, "shared"), stored);
        Assert.Equal("through the first silo", stored.State!.Text);

        var client = await cluster.StartClientAsync();
        Assert.Equal("through the first silo", await client.Services.GetRequiredService<IClusterClient>().GetGrain<INoteGrain>("shared").ReadAsync());
    }

    /// <summary>Each member's status and how long ago, by the server's clock, its last heartbeat was stamped.</summary>
    private static async Task<List<(int Status, double SecondsSinceAlive)>> MembersAsync(string connectionString, string clusterId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT Status, extract(epoch FROM now() - IAmAliveTime)::float8 FROM OrleansMembershipTable WHERE DeploymentId = $1 ORDER BY Port", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = clusterId });
        var members = new List<(int, double)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            members.Add((reader.GetInt32(0), reader.GetDouble(1)));
        }

        return members;
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
