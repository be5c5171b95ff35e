using Npgsql;
using Xunit;

namespace ApexOrleans.TestSupport;

/// <summary>
/// The PostgreSQL server for a test assembly: <c>APEX_POSTGRES</c> if set, else a throwaway cluster.
/// When neither can be had, tests skip with the reason, except under <c>CI=true</c>, where that fails them.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private ThrowawayPostgresCluster? _cluster;
    private string? _connectionString;
    private string? _unavailable;

    /// <summary>True when the tests run in CI, where a missing PostgreSQL is a failure, not a skip.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The server's connection string (skips the calling test when there is none).</summary>
    public string ConnectionString
    {
        get
        {
            SkipIfUnavailable();
            return _connectionString!;
        }
    }

    /// <summary>Skips the calling test, with the reason, when no server could be had outside CI.</summary>
    public void SkipIfUnavailable() => Skip.If(_unavailable is not null, _unavailable);

    /// <summary>A fresh schema name, so each test has its own tables on the shared server.</summary>
    public static string NewSchemaName() => $"t_{Guid.NewGuid():N}";

    /// <summary>Opens a connection to the server, for tests that read data back directly.</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("APEX_POSTGRES") is { Length: > 0 } configured)
        {
            _connectionString = configured;
            return;
        }

        try
        {
            _cluster = await ThrowawayPostgresCluster.StartAsync();
            _connectionString = _cluster.ConnectionString;
        }
        catch (Exception e) when (!InCi)
        {
            _unavailable = $"No PostgreSQL: APEX_POSTGRES is not set and a throwaway cluster could not be started ({e.Message})";
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
