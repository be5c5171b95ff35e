using ApexOrleans.Contracts.Http;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Serialization;
using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Client.Running;

/// <summary>
/// A silo in another process, over its HTTP API. Keys come from a keys file, or, from a silo in development
/// mode on this machine, from its loopback-only key endpoint, so a local run needs no flags.
/// </summary>
public sealed class HttpMeshSession : IMeshSession
{
    private const string TenantHeader = "X-Apex-Tenant";
    private readonly SiloConnection _connection;
    private readonly SiloRetry _retry;
    private readonly IReadOnlyList<string> _apps;

    private HttpMeshSession(SiloConnection connection, SiloInfo info, SiloRetry retry)
    {
        _connection = connection;
        _retry = retry;
        _apps = info.Apps;
        Storage = info.Storage;
    }

    private sealed record ClockTime(DateTimeOffset Time);

    /// <inheritdoc />
    public string Silo => _connection.Silo;

    /// <inheritdoc />
    public string Storage { get; }

    private SiloKeyRing Keys => _connection.Keys;

    private ResumableRuns Runs => _connection.Runs;

    /// <summary>
    /// Connects to the silo at <paramref name="url"/>, or to the first that answers of several silos of one cluster
    /// (<c>URL,URL,…</c>): when the silo in use goes away, the session moves to another that is ready. Refuses clearly
    /// when none can be reached or keys are missing.
    /// </summary>
    public static Task<HttpMeshSession> ConnectAsync(string url, string? keysFile, CancellationToken cancellationToken) =>
        ConnectAsync(url, keysFile, new SiloRetryOptions(), TimeProvider.System, cancellationToken);

    /// <summary>
    /// Connects as <see cref="ConnectAsync(string, string?, CancellationToken)"/> does, waiting for silos that go away as
    /// <paramref name="retryOptions"/> say, on <paramref name="clock"/>.
    /// </summary>
    public static async Task<HttpMeshSession> ConnectAsync(string url, string? keysFile, SiloRetryOptions retryOptions, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var retry = new SiloRetry(retryOptions, clock);
        var (connection, info) = await SiloConnection.OpenAsync(url, keysFile, retry, cancellationToken);
        return new HttpMeshSession(connection, info, retry);
    }

    /// <inheritdoc />
    public async Task StartTenantAsync(string tenant, RunSettings settings, bool listed, CancellationToken cancellationToken)
    {
        Runs.Start(tenant, settings, listed);
        var run = await SendAsync<CreatedRun>(HttpMethod.Post, ApiRoutes.Runs, new { runId = tenant, settings, listed }, cancellationToken, tenant);
        Keys.HoldRunKeys(tenant, run.Keys);
    }

    /// <inheritdoc />
    public async Task EndTenantAsync(string tenant, CancellationToken cancellationToken)
    {
        Runs.End(tenant); // first: a recovery running meanwhile must not take the run up again
        Keys.DropRunKeys(tenant);
        using var response = await _connection.SendAsync(null, () => Keys.AdminRequest(HttpMethod.Delete, ApiRoutes.To(ApiRoutes.Runs, ApiRoutes.Run, tenant), null), cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode(); // not found: a restarted silo had already forgotten it
        }
    }

    /// <inheritdoc />
    public async Task<MeshStats> StatsAsync(CancellationToken cancellationToken) =>
        await SendAsync<MeshStats>(HttpMethod.Get, ApiRoutes.Activity + ApiRoutes.ActivityStats, null, cancellationToken);

    /// <inheritdoc />
    public async Task<PublishReceipt> PublishAsync(string tenant, EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (Keys.PublishKey(tenant, envelope.SourceApp) is null)
        {
            throw new PublishRejectedException(new PublishRejection("unknown_app", "app", $"no key for app '{envelope.SourceApp}'"));
        }

        Runs.NoteSequence(tenant, envelope.Sequence);
        using var response = await _connection.SendAsync(tenant, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Events)
            {
                Content = new ByteArrayContent(MeshCloudEvents.Encode(envelope)) { Headers = { ContentType = new(MeshCloudEvents.StructuredMediaType) } },
            };
            request.Headers.Authorization = new("Bearer", Keys.PublishKey(tenant, envelope.SourceApp)); // read anew: a recovery may bring new keys
            request.Headers.Add(TenantHeader, tenant);
            return request;
        }, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return (await response.Content.ReadFromJsonAsync<PublishReceipt>(MeshJson.Options, cancellationToken))!;
        }

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var code = problem.TryGetProperty("code", out var c) ? c.GetString() ?? "" : "";
        if (code == "idempotency_in_progress")
        {
            return new PublishReceipt(tenant, envelope.Id, envelope.IdempotencyKey, envelope.EventType, envelope.SourceApp, envelope.Targets,
                await NowAsync(tenant, cancellationToken), PublishStatus.InProgress);
        }

        throw new PublishRejectedException(new PublishRejection(code, problem.TryGetProperty("field", out var f) ? f.GetString() ?? "" : "",
            problem.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : $"HTTP {(int)response.StatusCode}"));
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset> NowAsync(string tenant, CancellationToken cancellationToken) =>
        RecordClock(tenant, await SendAsync<ClockTime>(HttpMethod.Get, ApiRoutes.To(ApiRoutes.Runs, ApiRoutes.RunClock, tenant), null, cancellationToken, tenant));

    /// <summary>How often a real clock is asked whether it has got to where a day waits for it.</summary>
    private static readonly TimeSpan ClockPoll = TimeSpan.FromMilliseconds(50);

    /// <inheritdoc />
    public async Task AdvanceAsync(string tenant, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // A virtual clock moves when told; a real one is only waited for.
        while (RecordClock(tenant, await SendAsync<ClockTime>(HttpMethod.Post, ApiRoutes.To(ApiRoutes.Runs, ApiRoutes.RunAdvance, tenant), new ClockTime(until), cancellationToken, tenant)) < until)
        {
            await Task.Delay(ClockPoll, _retry.Clock, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task SettleAsync(string tenant, DateTimeOffset limit, CancellationToken cancellationToken) =>
        RecordClock(tenant, await SendAsync<ClockTime>(HttpMethod.Post, ApiRoutes.To(ApiRoutes.Runs, ApiRoutes.RunSettle, tenant), new ClockTime(limit), cancellationToken, tenant));

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, AppSnapshot>> AppsAsync(string tenant, CancellationToken cancellationToken) =>
        await SendAsync<SortedDictionary<string, AppSnapshot>>(HttpMethod.Get, ApiRoutes.To(ApiRoutes.Tenants, ApiRoutes.TenantApps, tenant), null, cancellationToken, tenant);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ApplyReceipt>>> ReceiptsAsync(string tenant, CancellationToken cancellationToken)
    {
        var receipts = new SortedDictionary<string, IReadOnlyList<ApplyReceipt>>(StringComparer.Ordinal);
        // Every app of the silo's catalog: an app that publishes nothing has no key but does have receipts.
        foreach (var app in _apps.Order(StringComparer.Ordinal))
        {
            receipts[app] = await SendAsync<List<ApplyReceipt>>(HttpMethod.Get, ApiRoutes.To(ApiRoutes.Tenants, ApiRoutes.AppReceipts, tenant, app), null, cancellationToken, tenant);
        }

        return receipts;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, CircuitSnapshot>> CircuitsAsync(string tenant, CancellationToken cancellationToken) =>
        await SendAsync<SortedDictionary<string, CircuitSnapshot>>(HttpMethod.Get, ApiRoutes.To(ApiRoutes.Tenants, ApiRoutes.TenantCircuits, tenant), null, cancellationToken, tenant);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, DeliveryQueueSnapshot>> QueuesAsync(string tenant, CancellationToken cancellationToken) =>
        await SendAsync<SortedDictionary<string, DeliveryQueueSnapshot>>(HttpMethod.Get, ApiRoutes.To(ApiRoutes.Tenants, ApiRoutes.TenantQueues, tenant), null, cancellationToken, tenant);

    /// <inheritdoc />
    public async Task<TenantTraces?> TracesAsync(string tenant, CancellationToken cancellationToken)
    {
        using var response = await _connection.SendAsync(tenant,
            () => Keys.AdminRequest(HttpMethod.Get, ApiRoutes.To(ApiRoutes.Tenants, ApiRoutes.TenantTraces, tenant), null), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null; // a silo from before traces: the bundle goes without traces.json, as bundles did then
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The silo answered {(int)response.StatusCode} to GET {response.RequestMessage?.RequestUri}");
        }

        var traces = TenantTraces.FromOtlpJson(await response.Content.ReadAsStringAsync(cancellationToken));
        return _connection.Interrupted ? traces with { Complete = false } : traces; // a silo that went took its spans along
    }

    /// <inheritdoc />
    public async Task<IdempotencyState?> IdempotencyAsync(string tenant, string sourceApp, string key, CancellationToken cancellationToken)
    {
        using var response = await _connection.SendAsync(tenant,
            () => Keys.AdminRequest(HttpMethod.Get, ApiRoutes.To(ApiRoutes.Tenants, ApiRoutes.PublishReceipt, tenant, sourceApp, key), null), cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await Read<IdempotencyState>(response, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<InjectedFault> InjectFaultAsync(FaultRequest request, CancellationToken cancellationToken)
    {
        using var response = await _connection.SendFaultCallAsync(() => Keys.AdminRequest(HttpMethod.Post, ApiRoutes.Faults, request), cancellationToken);
        return await Read<InjectedFault>(response, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> RevertFaultAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await _connection.SendFaultCallAsync(() => Keys.AdminRequest(HttpMethod.Delete, ApiRoutes.To(ApiRoutes.Faults, ApiRoutes.Fault, id), null), cancellationToken);
        return response.IsSuccessStatusCode;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<InjectedFault>> RevertFaultsAsync(string? owner, CancellationToken cancellationToken)
    {
        var path = owner is null ? ApiRoutes.Faults : $"{ApiRoutes.Faults}?owner={Uri.EscapeDataString(owner)}";
        return await MeshFaults.UntilEverySiloConfirmsAsync(_retry, async cancellationToken =>
        {
            using var response = await _connection.SendFaultCallAsync(() => Keys.AdminRequest(HttpMethod.Delete, path, null), cancellationToken);
            var answer = await Read<RevertedFaults>(response, cancellationToken);
            return (answer.Faults, answer.Unreached ?? []);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> ReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var probe = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.Ready);
            using var response = await _connection.SendOnceAsync(probe, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task RecordExperimentAsync(JsonElement record, CancellationToken cancellationToken)
    {
        using var response = await _connection.SendAsync(null, () => Keys.AdminRequest(HttpMethod.Post, ApiRoutes.Experiments, record), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The journals of the experiment runs reported to this silo, newest first, as the silo keeps them (JSON).</summary>
    public async Task<IReadOnlyList<JsonElement>> ExperimentRecordsAsync(CancellationToken cancellationToken)
    {
        using var message = Keys.AdminRequest(HttpMethod.Get, ApiRoutes.Experiments, null);
        using var response = await _connection.SendOnceAsync(message, cancellationToken);
        return (await Read<List<ReportedExperiment>>(response, cancellationToken)).Select(r => r.Journal).ToList();
    }

    /// <summary>One record as the silo stores it; the journal inside is the whole record.</summary>
    private sealed record ReportedExperiment(JsonElement Journal);

    /// <summary>What the silo's kill switch answers.</summary>
    private sealed record RevertedFaults(IReadOnlyList<InjectedFault> Faults, DateTimeOffset At, IReadOnlyList<string>? Unreached);

    /// <inheritdoc />
    public async Task ReportAsync(string tenant, JsonElement scorecard, CancellationToken cancellationToken)
    {
        using var response = await _connection.SendAsync(tenant, () => Keys.AdminRequest(HttpMethod.Put, ApiRoutes.To(ApiRoutes.Runs, ApiRoutes.RunScorecard, tenant), scorecard), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? tenant = null)
    {
        using var response = await _connection.SendAsync(tenant, () => Keys.AdminRequest(method, path, body), cancellationToken);
        return await Read<T>(response, cancellationToken);
    }

    private DateTimeOffset RecordClock(string tenant, ClockTime clock) => Runs.NoteClock(tenant, clock.Time);

    private static async Task<T> Read<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"The silo answered {(int)response.StatusCode} to {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {detail}");
        }

        return (await response.Content.ReadFromJsonAsync<T>(MeshJson.Options, cancellationToken))!;
    }
}
