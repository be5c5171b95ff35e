using ApexOrleans.TestSupport;

namespace ApexOrleans.Bench.Workloads;

/// <summary>The PostgreSQL of a bench run: $APEX_POSTGRES, or one throwaway cluster on 127.0.0.1 (fsync on) started on first use and stopped at the end.</summary>
public sealed class BenchPostgres(string? configured) : IAsyncDisposable
{
    private ThrowawayPostgresCluster? _cluster;

    /// <summary>Whether the bench started its own cluster.</summary>
    public bool Throwaway => _cluster is not null;

    /// <summary>The connection string, starting a cluster if none was given.</summary>
    public async Task<string> ConnectionStringAsync()
    {
        if (configured is not null)
        {
            return configured;
        }

        _cluster ??= await ThrowawayPostgresCluster.StartAsync(durable: true);
        return _cluster.ConnectionString;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
