using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Circuits;
using ApexOrleans.Grains.Delivery;
using ApexOrleans.Grains.Envelope;
using ApexOrleans.Grains.Hosting;
using ApexOrleans.Grains.Idempotency;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Grains.Timing;
using ApexOrleans.Storage;
using ApexOrleans.Storage.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;

namespace ApexOrleans.Mesh.Tests;

/// <summary>
/// An Orleans silo in this process hosting the mesh (a cluster of its own on free loopback ports), with helpers to
/// configure tenants on a virtual clock, read state back, and stop and start the silo again over the same store.
/// </summary>
internal sealed class MeshSilo : IAsyncDisposable
{
    public static readonly DateTimeOffset DayStart = new(2026, 1, 3, 7, 0, 0, TimeSpan.Zero);

    private readonly GrainStorageChoice _storage;
    private readonly string _catalogPath;
    private readonly Action<ISiloBuilder>? _configure;
    private IHost? _host;

    private MeshSilo(GrainStorageChoice storage, string catalogPath, Action<ISiloBuilder>? configure)
    {
        _storage = storage;
        _catalogPath = catalogPath;
        _configure = configure;
    }

    /// <summary>The running silo's services.</summary>
    public IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("The silo is not running.");

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public MeshGateway Gateway => Services.GetRequiredService<MeshGateway>();

    public MeshTenants Tenants => Services.GetRequiredService<MeshTenants>();

    /// <summary>How many activations the silo holds now.</summary>
    public int ActivationCount => Services.GetRequiredService<IActivationWorkingSet>().Count;

    /// <summary>
    /// Starts a silo on <paramref name="storage"/> (default: a fresh memory store; pass <see cref="GrainStorageChoice.Memory"/>
    /// with a store of your own to keep state across restarts).
    /// </summary>
    public static async Task<MeshSilo> StartAsync(GrainStorageChoice? storage = null, string? catalogPath = null, Action<ISiloBuilder>? configure = null)
    {
        var silo = new MeshSilo(storage ?? GrainStorageChoice.Memory(new MemoryGrainStore()), catalogPath ?? AppCatalog.DefaultPath, configure);
        await silo.StartAsync();
        return silo;
    }

    /// <summary>Stops the silo gracefully and starts a new one over the same store.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Deactivates every idle activation now (Orleans' forced activation collection): memory is gone, the store remains.</summary>
    public Task CollectIdleActivationsAsync() => Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

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

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleans(silo =>
        {
            silo.AddPrivateMeshSilo(_storage, _catalogPath);
            _configure?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync();
        _host = host;
    }

    private async Task StopAsync()
    {
        if (_host is { } host)
        {
            _host = null;
            await host.StopAsync();
            await ((IAsyncDisposable)host).DisposeAsync(); // storage providers dispose asynchronously
        }
    }
}
