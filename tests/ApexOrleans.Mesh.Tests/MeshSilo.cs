using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Circuits;
using ApexOrleans.Grains.Delivery;
using ApexOrleans.Grains.Envelope;
using ApexOrleans.Grains.Hosting;
using ApexOrleans.Grains.Idempotency;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Runtime;
using ApexOrleans.Runtime.Hosting;
using ApexOrleans.Runtime.Testing;
using ApexOrleans.Runtime.Timing;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Mesh.Tests;

/// <summary>A test cluster hosting the mesh, with helpers to configure tenants on a virtual clock and read state back.</summary>
internal sealed class MeshSilo : IAsyncDisposable
{
    public static readonly DateTimeOffset DayStart = new(2026, 1, 3, 7, 0, 0, TimeSpan.Zero);

    private MeshSilo(TestCluster cluster) => Cluster = cluster;

    public TestCluster Cluster { get; }

    public IGrainFactory Grains => Cluster.GrainFactory;

    public MeshGateway Gateway => Cluster.Services.GetRequiredService<MeshGateway>();

    public MeshTenants Tenants => Cluster.Services.GetRequiredService<MeshTenants>();

    public static async Task<MeshSilo> StartAsync(GrainStorageChoice? storage = null, string? catalogPath = null, Action<ISiloBuilder>? configure = null)
    {
        var cluster = new TestCluster(new TestClusterOptions
        {
            Storage = storage ?? GrainStorageChoice.Memory(),
            ConfigureSilo = silo =>
            {
                silo.AddMesh(o => o.CatalogPath = catalogPath ?? AppCatalog.DefaultPath);
                configure?.Invoke(silo);
            },
        });
        await cluster.StartAsync();
        return new MeshSilo(cluster);
    }

    /// <summary>Configures a tenant on a virtual clock starting at <paramref name="start"/> (default: the story's morning).</summary>
    public Tenant Tenant(string id, IChaosPolicy? chaos = null, DateTimeOffset? start = null, Func<TenantSettings, TenantSettings>? adjust = null)
    {
        var settings = new TenantSettings { Clock = new VirtualTimeProvider(start ?? DayStart), Chaos = chaos ?? NoChaos.Instance };
        return Tenants.Configure(id, adjust?.Invoke(settings) ?? settings);
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

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
