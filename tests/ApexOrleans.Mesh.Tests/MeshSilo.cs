using Orleans.Storage;
using ApexOrleans.Contracts.ChaosPolicy;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Hosting;
using ApexOrleans.Grains.Placement;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Grains.Timing;
using ApexOrleans.Storage;
using ApexOrleans.Storage.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using ApexOrleans.Grains.Publishing;

namespace ApexOrleans.Mesh.Tests;

/// <summary>
/// An Orleans test cluster in this process (<see cref="InProcessTestCluster"/>, one silo by default) hosting the mesh,
/// with helpers to configure tenants on a virtual clock, read state back, and stop and start the cluster again over
/// the same store. With several silos each tenant lives on the silo its placement picks, and the test talks to the
/// first silo, so every call to another tenant's grains crosses silos.
/// </summary>
internal sealed class MeshSilo : IAsyncDisposable
{
    public static readonly DateTimeOffset DayStart = new(2026, 1, 3, 7, 0, 0, TimeSpan.Zero);

    private readonly GrainStorageChoice _storage;
    private readonly string _catalogPath;
    private readonly Action<ISiloBuilder>? _configure;
    private readonly short _silos;
    private InProcessTestCluster? _cluster;

    private MeshSilo(GrainStorageChoice storage, string catalogPath, Action<ISiloBuilder>? configure, short silos)
    {
        _storage = storage;
        _catalogPath = catalogPath;
        _configure = configure;
        _silos = silos;
    }

    /// <summary>The first silo's services.</summary>
    public IServiceProvider Services => Cluster.Silos[0].ServiceProvider;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public MeshGateway Gateway => Services.GetRequiredService<MeshGateway>();

    /// <summary>How many activations the silos hold now, together.</summary>
    public int ActivationCount => Cluster.Silos.Sum(s => s.ServiceProvider.GetRequiredService<IActivationWorkingSet>().Count);

    private InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The silo is not running.");

    /// <summary>
    /// Starts <paramref name="silos"/> silos on <paramref name="storage"/> (default: a fresh memory store; pass
    /// <see cref="GrainStorageChoice.Memory"/> with a store of your own to keep state across restarts).
    /// </summary>
    public static async Task<MeshSilo> StartAsync(GrainStorageChoice? storage = null, string? catalogPath = null, Action<ISiloBuilder>? configure = null, short silos = 1)
    {
        var silo = new MeshSilo(storage ?? GrainStorageChoice.Memory(new MemoryGrainStore()), catalogPath ?? AppCatalog.DefaultPath, configure, silos);
        await silo.StartAsync();
        return silo;
    }

    /// <summary>Starts a silo whose default grain storage is <paramref name="storage"/> (a store that fails, counts or looks on).</summary>
    public static Task<MeshSilo> StartOverAsync(IGrainStorage storage) =>
        StartAsync(configure: s => s.Services.AddKeyedSingleton(GrainStorageNames.Default, (_, _) => storage));

    /// <summary>Stops the silos gracefully and starts new ones over the same store.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Starts <paramref name="count"/> more silos in the cluster and waits until every silo counts them as active.</summary>
    public async Task AddSilosAsync(int count)
    {
        await Cluster.StartSilosAsync(count);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Cluster.Silos.Any(s => s.ServiceProvider.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values
            .Count(m => m.Status == SiloStatus.Active) != Cluster.Silos.Count))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The silos did not agree on the cluster's membership within 60 s.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Deactivates every idle activation now (Orleans' forced activation collection): memory is gone, the store remains.</summary>
    public Task CollectIdleActivationsAsync() => Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    /// <summary>The tenants held by the silo that hosts tenant <paramref name="id"/>.</summary>
    public MeshTenants TenantsOf(string id)
    {
        var silos = Cluster.Silos.Select(s => s.SiloAddress).ToList();
        var owner = TenantPlacementDirector.OwnerOf(id, silos);
        return Cluster.Silos.Single(s => s.SiloAddress.Equals(owner)).ServiceProvider.GetRequiredService<MeshTenants>();
    }

    /// <summary>Configures a tenant on a virtual clock starting at <paramref name="start"/> (default: the story's morning), on its silo.</summary>
    public Tenant Tenant(string id, IChaosPolicy? chaos = null, DateTimeOffset? start = null, Func<TenantSettings, TenantSettings>? adjust = null)
    {
        var settings = new TenantSettings { Clock = new VirtualTimeProvider(start ?? DayStart), Chaos = chaos ?? NoChaos.Instance };
        return TenantsOf(id).Configure(id, adjust?.Invoke(settings) ?? settings);
    }

    public Task<PublishReceipt> PublishAsync(Tenant tenant, EventEnvelope envelope) => Gateway.PublishAsync(tenant.Id, envelope);

    /// <summary>Runs the tenant's timeline until nothing is left to do (bounded by a simulated week).</summary>
    public static Task SettleAsync(Tenant tenant) => tenant.Timeline.RunToQuiescenceAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromDays(7));

    public Task<AppSnapshot> AppAsync(Tenant tenant, string app) => Grains.GetGrain<IAppGrain>(MeshKeys.For(tenant.Id, app)).GetAsync();

    public Task<CircuitSnapshot> CircuitAsync(Tenant tenant, string app) => Grains.GetGrain<ICircuitBreakerGrain>(MeshKeys.For(tenant.Id, app)).GetAsync();

    public Task<DeliveryQueueSnapshot> QueueAsync(Tenant tenant, string app) => Grains.GetGrain<IDeliveryGrain>(MeshKeys.For(tenant.Id, app)).GetAsync();

    /// <summary>The idempotency record of <paramref name="envelope"/>'s key, in its source app's scope.</summary>
    public Task<IdempotencyState?> KeyAsync(Tenant tenant, EventEnvelope envelope) =>
        Grains.GetGrain<IIdempotencyGrain>(MeshKeys.For(tenant.Id, envelope.ScopedKey)).GetAsync();

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartAsync()
    {
        var builder = new InProcessTestClusterBuilder(_silos);
        builder.Options.ServiceId = LoopbackCluster.ServiceId; // grain state is keyed by it: a restart finds its state
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMeshGrainStorage(_storage).AddMesh(o => o.CatalogPath = _catalogPath);
            _configure?.Invoke(silo);
        });
        builder.ConfigureClient(client => client.Services.AddMeshSerialization());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        _cluster = cluster;
    }

    private async Task StopAsync()
    {
        if (_cluster is { } cluster)
        {
            _cluster = null;
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync(); // storage providers dispose asynchronously
        }
    }
}
