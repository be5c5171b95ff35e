using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Grains.Hosting;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Storage.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ApexOrleans.Grains.Publishing;
using ApexOrleans.Grains.Cluster;

namespace ApexOrleans.Bench.Workloads;

/// <summary>An in-process Orleans silo with the mesh on a chosen storage, as <c>apex run</c> embeds it, with its services at hand.</summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchSilo(IHost host) => _host = host;

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Where events enter the mesh.</summary>
    public MeshGateway Gateway => Services.GetRequiredService<MeshGateway>();

    /// <summary>The tenants the silo serves.</summary>
    public MeshTenants Tenants => Services.GetRequiredService<MeshTenants>();

    /// <summary>Activations, pending deliveries, tenants and memory now.</summary>
    public MeshStats Stats => Services.GetRequiredService<MeshStatsReader>().Read();

    /// <summary>The SQL storage under the chaos filter (SQLite or PostgreSQL), or null on memory storage: its write counters.</summary>
    public ApexOrleans.Storage.SqlGrainStorage? SqlStorage => ApexOrleans.Grains.Chaos.ChaosFilteredGrainStorage.SqlStorageOf(Services);

    /// <summary>The grain factory.</summary>
    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>Starts a silo; <paramref name="configure"/> adds grains or options.</summary>
    public static async Task<BenchSilo> StartAsync(GrainStorageChoice storage, string catalogPath, Action<ISiloBuilder>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.AddPrivateMeshSilo(storage, catalogPath);
            configure?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        await ((IAsyncDisposable)_host).DisposeAsync();
    }
}
