using ApexOrleans.TestSupport;
using Npgsql;

namespace ApexOrleans.Storage.Tests;

public sealed class ThrowawayPostgresClusterTests
{
    [SkippableFact]
    public async Task AThrowawayClusterServesOnLoopbackAndIsRemovedAfter()
    {
        Skip.If(!PostgresFixture.InCi && ThrowawayPostgresCluster.WhyUnavailable() is not null, ThrowawayPostgresCluster.WhyUnavailable());
        var cluster = await ThrowawayPostgresCluster.StartAsync();
        await using (cluster)
        {
            await using var connection = new NpgsqlConnection(cluster.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT inet_server_addr()::text || ' ' || current_setting('server_version_num')", connection);
            var answer = (string)(await command.ExecuteScalarAsync())!;
            Assert.StartsWith("127.0.0.1", answer);
            Assert.True(Directory.Exists(cluster.Folder));
        }

        Assert.False(Directory.Exists(cluster.Folder));

        await using var afterwards = new NpgsqlConnection(cluster.ConnectionString + ";Timeout=2");
        await Assert.ThrowsAnyAsync<Exception>(() => afterwards.OpenAsync());
    }
}
