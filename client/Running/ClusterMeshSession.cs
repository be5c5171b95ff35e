using System.Net;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Contracts.Cluster;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Cluster;
using ApexOrleans.Grains.Diagnostics;
using ApexOrleans.Grains.Hosting;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Grains.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using ApexOrleans.Grains.Publishing;

namespace ApexOrleans.Client.Running;

/// <summary>
/// The day driven as an Orleans cluster client: through a silo's gateway, straight to the grains, with no HTTP. The
/// mesh's gateway logic runs here, in the client, on the cluster's grains; a tenant's clock and timeline run on the
/// silo that hosts the tenant. When a silo dies under a run, calls are sent again until the cluster has moved the
/// tenant's grains, and a run whose tenant was taken up elsewhere is configured again and resumed, as after a restart.
/// </summary>
public sealed class ClusterMeshSession : IMeshSession
{
    private readonly IHost? _host;
    private readonly IClusterClient _client;
    private readonly AppCatalog _catalog;
    private readonly MeshGateway _gateway;
    private readonly MeshTelemetry _telemetry;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RunState> _runs = new();

    /// <summary>How long a call keeps being sent again while the cluster recovers from a lost silo.</summary>
    public static TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    // A call whose answer was lost with a silo (or its gateway) is not waited for until Orleans' response timeout (up to
    // 30 minutes for advance and settle): past this it is sent again, which every call of the runner allows.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(45);

    // What a run needs to be configured again on another silo: its settings, how far its clock and sequence got.
    private sealed record RunState(RunSettings Settings, DateTimeOffset Clock, long Sequence);

    private ClusterMeshSession(IHost? host, IClusterClient client, AppCatalog catalog, string silo)
    {
        _host = host;
        _client = client;
        _catalog = catalog;
        Silo = silo;
        _telemetry = new MeshTelemetry(TimeProvider.System);
        _gateway = new MeshGateway(client, catalog, _telemetry, new CrashPoints(null), GatewayIncarnation.OfClient());
    }

    /// <inheritdoc />
    public string Silo { get; }

    /// <summary>How many times a run was configured again and resumed after its tenant's silo was lost.</summary>
    public int Resumes => _resumes;

    private volatile bool _interrupted;
    private int _resumes;

    /// <inheritdoc />
    public string Storage => "cluster"; // each silo's own; a client does not see it

    /// <summary>
    /// Connects to the cluster <paramref name="clusterId"/> through the gateways in <paramref name="gateways"/>
    /// (<c>host:port</c>, comma-separated); an unreachable cluster is an <see cref="InvalidOperationException"/>.
    /// </summary>
    public static async Task<ClusterMeshSession> ConnectAsync(string gateways, string clusterId, string catalogPath, CancellationToken cancellationToken)
    {
        var endpoints = ParseGateways(gateways);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(endpoints);
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, LoopbackCluster.ServiceId));
            client.Services.AddMeshSerialization();
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await ((IAsyncDisposable)host).DisposeAsync();
            throw new InvalidOperationException($"No silo of cluster '{clusterId}' answered at {gateways}: {e.Message}", e);
        }

        return new ClusterMeshSession(host, host.Services.GetRequiredService<IClusterClient>(), AppCatalog.Load(catalogPath), $"cluster {clusterId} via {gateways}");
    }

    /// <summary>A session over a client someone else owns (a test cluster's), which it does not stop.</summary>
    public static ClusterMeshSession Over(IClusterClient client, AppCatalog catalog, string description) => new(null, client, catalog, description);

    /// <summary>Parses <c>host:port[,host:port…]</c>.</summary>
    public static IPEndPoint[] ParseGateways(string gateways)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var part in gateways.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPEndPoint.TryParse(part, out var endpoint) || endpoint.Port == 0)
            {
                throw new ArgumentException($"--cluster: '{part}' is not a gateway address (ip:port, e.g. 127.0.0.1:30000).");
            }

            endpoints.Add(endpoint);
        }

        return endpoints.Count > 0 ? [.. endpoints] : throw new ArgumentException("--cluster: give at least one gateway address (ip:port).");
    }

    private ITenantGrain Tenant(string tenant) => _client.GetGrain<ITenantGrain>(tenant);

    /// <inheritdoc />
    public async Task StartTenantAsync(string tenant, RunSettings settings, bool listed, CancellationToken cancellationToken)
    {
        if (!await Tenant(tenant).ConfigureAsync(settings).WaitAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Tenant '{tenant}' is already in use in the cluster; a run uses a fresh tenant id.");
        }

        _runs[tenant] = new RunState(settings, settings.ClockStart, 0);
    }

    /// <inheritdoc />
    public Task EndTenantAsync(string tenant, CancellationToken cancellationToken) => Tenant(tenant).RetireAsync().WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<MeshStats> StatsAsync(CancellationToken cancellationToken)
    {
        var activations = await _client.GetGrain<Orleans.Runtime.IManagementGrain>(0).GetTotalActivationCount().WaitAsync(cancellationToken);
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        // The silos' own figures (queues, memory) stay with them; this process's memory is the client's.
        return new MeshStats(activations, _telemetry.PendingDeliveries, 0, process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }

    /// <inheritdoc />
    public async Task<PublishReceipt> PublishAsync(string tenant, EventEnvelope envelope, CancellationToken cancellationToken)
    {
        // Noted before it is sent: a resume while this publish is in doubt must carry the tenant's sequence this far.
        if (_runs.TryGetValue(tenant, out var run) && envelope.Sequence > run.Sequence)
        {
            _runs[tenant] = run with { Sequence = envelope.Sequence };
        }

        return await WithRecoveryAsync(tenant, () => _gateway.PublishAsync(tenant, envelope), cancellationToken);
    }

    /// <inheritdoc />
    public Task<DateTimeOffset> NowAsync(string tenant, CancellationToken cancellationToken) =>
        RecordClockAsync(tenant, WithRecoveryAsync(tenant, () => Tenant(tenant).NowAsync(), cancellationToken));

    /// <inheritdoc />
    public async Task AdvanceAsync(string tenant, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var now = await RecordClockAsync(tenant, WithRecoveryAsync(tenant, () => Tenant(tenant).AdvanceAsync(until), cancellationToken));
        if (now < until)
        {
            // A real clock: the tenant's silo moves it; wait here until it gets there (at the run's time scale).
            while ((now = await NowAsync(tenant, cancellationToken)) < until)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp((until - now).TotalMilliseconds, 1, 200)), cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public Task SettleAsync(string tenant, DateTimeOffset limit, CancellationToken cancellationToken) =>
        RecordClockAsync(tenant, WithRecoveryAsync(tenant, () => Tenant(tenant).SettleAsync(limit), cancellationToken));

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, AppSnapshot>> AppsAsync(string tenant, CancellationToken cancellationToken) =>
        WithRecoveryAsync(tenant, () => new TenantStateReader(_client, _catalog).ReadAsync(tenant), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, IReadOnlyList<ApplyReceipt>>> ReceiptsAsync(string tenant, CancellationToken cancellationToken) =>
        WithRecoveryAsync(tenant, () => _catalog.ReadEachAsync(app => _client.GetGrain<IAppGrain>(MeshKeys.For(tenant, app)).ReceiptsAsync()), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, CircuitSnapshot>> CircuitsAsync(string tenant, CancellationToken cancellationToken) =>
        WithRecoveryAsync(tenant, () => _catalog.ReadEachAsync(app => _client.GetGrain<ICircuitBreakerGrain>(MeshKeys.For(tenant, app)).GetAsync()), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, DeliveryQueueSnapshot>> QueuesAsync(string tenant, CancellationToken cancellationToken) =>
        WithRecoveryAsync(tenant, () => _catalog.ReadEachAsync(app => _client.GetGrain<IDeliveryGrain>(MeshKeys.For(tenant, app)).GetAsync()), cancellationToken);

    /// <inheritdoc />
    public async Task<TenantTraces?> TracesAsync(string tenant, CancellationToken cancellationToken)
    {
        // Each active silo kept the spans of the grains it ran: asked one by one, as a silo's own ClusterView would.
        var silos = await _client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(cancellationToken);
        var answered = new List<TenantTraces>();
        var complete = true;
        foreach (var silo in silos.Keys)
        {
            try
            {
                answered.Add(await _client.GetGrain<ISiloGrain>(silo.ToParsableString()).SpansAsync(tenant).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken));
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                complete = false;
            }
        }

        return ClusterView.Merge(answered, complete && !_interrupted);
    }

    /// <inheritdoc />
    public Task<IdempotencyState?> IdempotencyAsync(string tenant, string sourceApp, string key, CancellationToken cancellationToken) =>
        WithRecoveryAsync(tenant, () => _client.GetGrain<IIdempotencyGrain>(MeshKeys.For(tenant, EventEnvelope.ScopeOf(sourceApp, key))).GetAsync(), cancellationToken);

    /// <inheritdoc />
    public Task<InjectedFault> InjectFaultAsync(FaultRequest request, CancellationToken cancellationToken) =>
        MeshFaults.InjectAsync(_client, request, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevertFaultAsync(string id, CancellationToken cancellationToken) => MeshFaults.RevertAsync(_client, id, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<InjectedFault>> RevertFaultsAsync(string? owner, CancellationToken cancellationToken) =>
        MeshFaults.RevertAllAsync(_client, owner, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> ReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await NowAsync(MeshKeys.DefaultTenant, cancellationToken).WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public Task RecordExperimentAsync(System.Text.Json.JsonElement record, CancellationToken cancellationToken) =>
        Task.CompletedTask; // the journal file is the record; the silos' dashboards list what their HTTP API was told

    /// <inheritdoc />
    public Task ReportAsync(string tenant, System.Text.Json.JsonElement scorecard, CancellationToken cancellationToken) =>
        Task.CompletedTask; // the bundle is the record; the silos' dashboards list runs created over HTTP

    /// <summary>
    /// Sends <paramref name="call"/> until it succeeds: a silo that died under it fails the call until the cluster declares
    /// it dead and activates its grains elsewhere, and a run whose tenant was taken up elsewhere is configured again and
    /// resumed first. Every call the runner makes is idempotent, so sending it again is safe.
    /// </summary>
    private async Task<T> WithRecoveryAsync<T>(string tenant, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp(); // a monotonic clock: a wall-clock step must not cut the wait short or stretch it
        while (true)
        {
            try
            {
                return await call().WaitAsync(AttemptTimeout, cancellationToken);
            }
            catch (Exception e) when (IsSiloLoss(e) && TimeProvider.System.GetElapsedTime(started) < RecoveryTimeout)
            {
                _interrupted = true; // a silo went: the spans it kept in memory went with it
                await Task.Delay(RetryPause, cancellationToken);
                if (e.Cause() is TenantNotHeldException && _runs.TryGetValue(tenant, out var run))
                {
                    await ResumeAsync(tenant, run, cancellationToken);
                }
            }
        }
    }

    private async Task ResumeAsync(string tenant, RunState run, CancellationToken cancellationToken)
    {
        try
        {
            // Configured again here, or already by an earlier try whose resume failed: the resume runs either way.
            await Tenant(tenant).ConfigureAsync(run.Settings with { ClockStart = run.Clock }).WaitAsync(cancellationToken);
            await Tenant(tenant).ResumeAsync(run.Sequence).WaitAsync(cancellationToken);
            Interlocked.Increment(ref _resumes);
        }
        catch (Exception e) when (IsSiloLoss(e))
        {
            // The cluster is still settling: the call that needed the run is sent again, and resumes it then.
        }
    }

    private static bool IsSiloLoss(Exception e) => e.Cause() is TenantNotHeldException or SiloUnavailableException or OrleansMessageRejectionException
        or TimeoutException or System.Net.Sockets.SocketException || e.Cause().GetType().Name == "ConnectionFailedException"; // Orleans' own type is internal

    private async Task<DateTimeOffset> RecordClockAsync(string tenant, Task<DateTimeOffset> clock)
    {
        var now = await clock;
        if (_runs.TryGetValue(tenant, out var run))
        {
            _runs[tenant] = run with { Clock = now };
        }

        return now;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _telemetry.Dispose();
        if (_host is not null)
        {
            await _host.StopAsync();
            await ((IAsyncDisposable)_host).DisposeAsync();
        }
    }
}
