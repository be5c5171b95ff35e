using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Hosting;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Storage;
using ApexOrleans.Storage.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Providers;
using Orleans.Storage;
using ApexOrleans.Contracts.Cluster;
using ApexOrleans.Grains.Cluster;
using ApexOrleans.Grains.Publishing;
using ApexOrleans.Grains.Remote;
using ApexOrleans.Contracts.Webhooks;

namespace ApexOrleans.Client.Running;

/// <summary>An Orleans silo in this process, a cluster of its own on free loopback ports, on the chosen storage: the runner's default.</summary>
public sealed class EmbeddedMeshSession : IMeshSession
{
    private readonly IHost _host;

    private EmbeddedMeshSession(IHost host, string storage)
    {
        _host = host;
        Storage = storage;
    }

    /// <inheritdoc />
    public string Silo => MeshTarget.EmbeddedSilo;

    /// <inheritdoc />
    public string Storage { get; }

    /// <summary>The silo's services: what the bench reads beside the session's calls (the storage's write counters).</summary>
    public IServiceProvider Services => _host.Services;

    private MeshTenants Tenants => _host.Services.GetRequiredService<MeshTenants>();

    private IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    private AppCatalog Catalog => _host.Services.GetRequiredService<AppCatalog>();

    private ITenantGrain TenantGrain(string tenant) => Grains.GetGrain<ITenantGrain>(tenant);

    /// <summary>Makes the apps of <paramref name="endpoints"/> remote in <paramref name="silo"/>, their deliveries signed with <paramref name="secret"/>.</summary>
    public static void UseRemoteApps(ISiloBuilder silo, IReadOnlyDictionary<string, Uri> endpoints, WebhookSecret secret) =>
        silo.Services.Configure<RemoteAppOptions>(o =>
        {
            o.WebhookSecret = secret.Reveal();
            o.Endpoints = endpoints.ToDictionary(e => e.Key, e => e.Value.ToString());
        });

    /// <summary>
    /// Starts a silo with the mesh on <paramref name="storage"/>; <paramref name="configure"/> may tune it further (a load shortens idle
    /// collection); with <paramref name="collector"/>, its spans and metrics go there over OTLP.
    /// </summary>
    public static async Task<EmbeddedMeshSession> StartAsync(GrainStorageChoice storage, string catalogPath, CancellationToken cancellationToken, Action<ISiloBuilder>? configure = null,
        Uri? collector = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (collector is not null)
        {
            builder.Services.AddMeshOpenTelemetry("apex-run", collector); // flushed when the session disposes the host
        }

        builder.UseOrleans(silo =>
        {
            silo.AddPrivateMeshSilo(storage, catalogPath);
            configure?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        _ = host.Services.GetRequiredService<AppCatalog>(); // load and check the catalog now, not at the first event
        return new EmbeddedMeshSession(host, storage.Kind);
    }

    /// <inheritdoc />
    public async Task StartTenantAsync(string tenant, RunSettings settings, bool listed, CancellationToken cancellationToken)
    {
        if (!await TenantGrain(tenant).ConfigureAsync(settings))
        {
            throw new InvalidOperationException($"Tenant '{tenant}' is already in use on this silo; a run uses a fresh tenant id.");
        }
    }

    /// <inheritdoc />
    public Task EndTenantAsync(string tenant, CancellationToken cancellationToken) => TenantGrain(tenant).RetireAsync();

    /// <inheritdoc />
    public Task<MeshStats> StatsAsync(CancellationToken cancellationToken) => Task.FromResult(_host.Services.GetRequiredService<MeshStatsReader>().Read());

    /// <inheritdoc />
    public Task<PublishReceipt> PublishAsync(string tenant, EventEnvelope envelope, CancellationToken cancellationToken) =>
        _host.Services.GetRequiredService<MeshGateway>().PublishAsync(tenant, envelope);

    /// <inheritdoc />
    public Task<DateTimeOffset> NowAsync(string tenant, CancellationToken cancellationToken) => TenantGrain(tenant).NowAsync();

    /// <inheritdoc />
    public async Task AdvanceAsync(string tenant, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var timeline = Tenants.Get(tenant).Timeline; // this silo hosts every tenant: it is the only one
        if (timeline.IsVirtual)
        {
            await TenantGrain(tenant).AdvanceAsync(until).WaitAsync(cancellationToken);
            return;
        }

        var wait = until - timeline.Clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, timeline.Clock, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task SettleAsync(string tenant, DateTimeOffset limit, CancellationToken cancellationToken) =>
        TenantGrain(tenant).SettleAsync(limit).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, AppSnapshot>> AppsAsync(string tenant, CancellationToken cancellationToken) =>
        await _host.Services.GetRequiredService<TenantStateReader>().ReadAsync(tenant);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, IReadOnlyList<ApplyReceipt>>> ReceiptsAsync(string tenant, CancellationToken cancellationToken) =>
        Catalog.ReadEachAsync(app => Grains.GetGrain<IAppGrain>(MeshKeys.For(tenant, app)).ReceiptsAsync());

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, CircuitSnapshot>> CircuitsAsync(string tenant, CancellationToken cancellationToken) =>
        Catalog.ReadEachAsync(app => Grains.GetGrain<ICircuitBreakerGrain>(MeshKeys.For(tenant, app)).GetAsync());

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, DeliveryQueueSnapshot>> QueuesAsync(string tenant, CancellationToken cancellationToken) =>
        Catalog.ReadEachAsync(app => Grains.GetGrain<IDeliveryGrain>(MeshKeys.For(tenant, app)).GetAsync());

    /// <inheritdoc />
    public async Task<TenantTraces?> TracesAsync(string tenant, CancellationToken cancellationToken) =>
        await _host.Services.GetRequiredService<IClusterView>().TracesAsync(tenant);

    /// <inheritdoc />
    public Task<IdempotencyState?> IdempotencyAsync(string tenant, string sourceApp, string key, CancellationToken cancellationToken) =>
        Grains.GetGrain<IIdempotencyGrain>(MeshKeys.For(tenant, EventEnvelope.ScopeOf(sourceApp, key))).GetAsync();

    /// <inheritdoc />
    public Task<InjectedFault> InjectFaultAsync(FaultRequest request, CancellationToken cancellationToken) =>
        MeshFaults.InjectAsync(Grains, request, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevertFaultAsync(string id, CancellationToken cancellationToken) =>
        MeshFaults.RevertAsync(Grains, id, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<InjectedFault>> RevertFaultsAsync(string? owner, CancellationToken cancellationToken) =>
        MeshFaults.RevertAllAsync(Grains, owner, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> ReadyAsync(CancellationToken cancellationToken) =>
        await StorageProbe.FailureAsync(_host.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME), TimeSpan.FromSeconds(3), cancellationToken) is null;

    /// <inheritdoc />
    public Task RecordExperimentAsync(System.Text.Json.JsonElement record, CancellationToken cancellationToken) =>
        Task.CompletedTask; // an embedded silo ends with the experiment; the journal file is the record

    /// <inheritdoc />
    public Task ReportAsync(string tenant, System.Text.Json.JsonElement scorecard, CancellationToken cancellationToken) =>
        Task.CompletedTask; // an embedded silo ends with the run; the bundle is the record

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        await ((IAsyncDisposable)_host).DisposeAsync();
    }
}
