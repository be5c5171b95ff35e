using ApexOrleans.Storage.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApexOrleans.Storage.Tests.Silo;

/// <summary>Silos and clients of one cluster whose membership and grain state are in one PostgreSQL database, all in this process.</summary>
internal sealed class PostgresCluster(string connectionString) : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];

    public string ClusterId { get; } = $"cluster-{Guid.NewGuid():N}";

    public const string ServiceId = "storage-tests";

    /// <summary>Starts a silo on ports of its own that joins the cluster and keeps grain state through Orleans' ADO.NET provider.</summary>
    public async Task<IHost> StartSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo
            .UseMeshPostgresClustering(new PostgresClusteringOptions
            {
                ConnectionString = connectionString,
                ClusterId = ClusterId,
                ServiceId = ServiceId,
                SiloPort = FreePorts.Next(),
                GatewayPort = FreePorts.Next(),
            })
            .AddMeshGrainStorage(GrainStorageChoice.PostgresAdoNet(connectionString)));
        return await StartAsync(builder.Build());
    }

    /// <summary>Starts a client that finds the cluster's gateways in the membership table.</summary>
    public async Task<IHost> StartClientAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client.UseMeshPostgresClustering(connectionString, ClusterId, ServiceId));
        return await StartAsync(builder.Build());
    }

    private async Task<IHost> StartAsync(IHost host)
    {
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        lock (_hosts)
        {
            _hosts.Add(host);
        }

        return host;
    }

    /// <summary>Stops clients and silos, the last started first.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            try
            {
                await host.StopAsync();
            }
            finally
            {
                host.Dispose();
            }
        }
    }
}
