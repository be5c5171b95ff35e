using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Circuits;
using ApexOrleans.Grains.Delivery;
using ApexOrleans.Grains.Envelope;
using ApexOrleans.Grains.Hosting;
using ApexOrleans.Grains.Idempotency;
using ApexOrleans.Grains.Tenancy;

namespace ApexOrleans.Client.Running;

/// <summary>
/// A silo in another process, over its HTTP API. Keys come from a keys file, or, from a silo in development
/// mode on this machine, from its loopback-only key endpoint, so a local run needs no flags.
/// </summary>
public sealed class HttpMeshSession : IMeshSession
{
    private const string TenantHeader = "X-Apex-Tenant";
    private readonly HttpClient[] _silos; // every silo given, in order; _http is the one in use
    private HttpClient _http;
    private readonly string? _keysFile;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (RunSettings Settings, DateTimeOffset Clock, long Sequence, bool Listed)> _runs = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _runKeys = [];
    private readonly IReadOnlyList<string> _apps;
    private SiloKeys _keys;

    private HttpMeshSession(IReadOnlyList<HttpClient> silos, HttpClient http, SiloKeys keys, string? keysFile, SiloInfo info)
    {
        _silos = [.. silos];
        _http = http;
        _keys = keys;
        _keysFile = keysFile;
        _apps = info.Apps;
        Storage = info.Storage;
    }

    /// <summary>How long the session waits for a silo that went away to be ready again before it gives up.</summary>
    public static TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromMinutes(2);


    /// <summary>The keys a client uses: the admin key and each app's publish key.</summary>
    public sealed record SiloKeys(string Admin, IReadOnlyDictionary<string, string> Apps);

    private sealed record SiloInfo(string Version, string Mode, string Storage, IReadOnlyList<string> Apps);

    private sealed record ClockTime(DateTimeOffset Time);

    private sealed record CreatedRun(DateTimeOffset Time, IReadOnlyDictionary<string, string> Keys);

    /// <inheritdoc />
    public string Silo => UrlOf(_http);

    /// <inheritdoc />
    public string Storage { get; }

    /// <summary>
    /// Connects to the silo at <paramref name="url"/>, or to the first that answers of several silos of one cluster
    /// (<c>URL,URL,…</c>): when the silo in use goes away, the session moves to another that is ready. Refuses clearly
    /// when none can be reached or keys are missing.
    /// </summary>
    public static async Task<HttpMeshSession> ConnectAsync(string url, string? keysFile, CancellationToken cancellationToken)
    {
        var addresses = url.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (addresses.Length == 0)
        {
            throw new BadInputException($"--silo '{url}': give 'embedded' or an http(s) URL such as http://127.0.0.1:5080.");
        }

        var silos = new List<HttpClient>();
        foreach (var address in addresses)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                throw new BadInputException($"--silo {address}: give 'embedded' or an http(s) URL such as http://127.0.0.1:5080 (several silos of one cluster: URL,URL,…).");
            }

            silos.Add(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) });
        }

        try
        {
            var failures = new List<string>();
            foreach (var http in silos)
            {
                SiloInfo info;
                try
                {
                    info = (await http.GetFromJsonAsync<SiloInfo>("/api/v1/info", MeshJson.Options, cancellationToken))!;
                }
                catch (HttpRequestException e)
                {
                    failures.Add($"{UrlOf(http)} ({e.Message})");
                    continue;
                }

                var keys = await KeysOnceBackAsync(http, keysFile, info.Mode, cancellationToken)
                    ?? throw new BadInputException($"--silo {UrlOf(http)} runs in {info.Mode} mode and gives no keys: pass --keys FILE with its admin and app keys.");
                return new HttpMeshSession(silos, http, keys, keysFile, info);
            }

            throw new EnvironmentFailureException($"--silo {url}: no silo answers there: {string.Join("; ", failures)}. Start one with: dotnet run --project silo");
        }
        catch
        {
            silos.ForEach(h => h.Dispose());
            throw;
        }
    }

    /// <summary>
    /// The keys of a silo that has just answered: if it goes away before giving them (it is restarting), it is waited
    /// for, as every later request of the session waits for it, rather than failing the run before it began.
    /// </summary>
    private static async Task<SiloKeys?> KeysOnceBackAsync(HttpClient http, string? keysFile, string mode, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + RecoveryTimeout;
        while (true)
        {
            try
            {
                return await KeysAsync(http, keysFile, mode, cancellationToken);
            }
            catch (Exception e) when (IsConnectionFailure(e) && DateTime.UtcNow < deadline)
            {
            }

            await WaitUntilReadyAsync(http, deadline, cancellationToken);
        }
    }

    private static async Task<SiloKeys?> KeysAsync(HttpClient http, string? keysFile, string mode, CancellationToken cancellationToken)
    {
        if (keysFile is not null)
        {
            return JsonSerializer.Deserialize<SiloKeys>(await File.ReadAllTextAsync(keysFile, cancellationToken), MeshJson.Options)
                ?? throw new BadInputException($"--keys {keysFile}: expected {{ \"admin\": \"…\", \"apps\": {{ \"app\": \"key\" }} }}.");
        }

        using var response = await http.GetAsync("/api/v1/dev/keys", cancellationToken);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<SiloKeys>(MeshJson.Options, cancellationToken) : null;
    }

    /// <inheritdoc />
    public async Task StartTenantAsync(string tenant, RunSettings settings, bool listed, CancellationToken cancellationToken)
    {
        _runs[tenant] = (settings, settings.ClockStart, 0, listed);
        var run = await SendAsync<CreatedRun>(HttpMethod.Post, "/api/v1/runs", new { runId = tenant, settings, listed }, cancellationToken, tenant);
        _runKeys[tenant] = run.Keys; // a run takes only its own keys

    }

    /// <inheritdoc />
    public async Task EndTenantAsync(string tenant, CancellationToken cancellationToken)
    {
        _runs.TryRemove(tenant, out _); // first: a recovery running meanwhile must not take the run up again
        _runKeys.TryRemove(tenant, out _);
        using var response = await WithRecoveryAsync(null, () => Admin(HttpMethod.Delete, $"/api/v1/runs/{tenant}", null), cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode(); // not found: a restarted silo had already forgotten it
        }
    }

    /// <inheritdoc />
    public async Task<MeshStats> StatsAsync(CancellationToken cancellationToken) =>
        await SendAsync<MeshStats>(HttpMethod.Get, "/api/v1/activity/stats", null, cancellationToken);

    /// <inheritdoc />
    public async Task<PublishReceipt> PublishAsync(string tenant, EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (PublishKey(tenant, envelope.SourceApp) is null)
        {
            throw new PublishRejectedException(new PublishRejection("unknown_app", "app", $"no key for app '{envelope.SourceApp}'"));
        }

        if (_runs.TryGetValue(tenant, out var run) && envelope.Sequence > run.Sequence)
        {
            _runs[tenant] = run with { Sequence = envelope.Sequence };
        }

        using var response = await WithRecoveryAsync(tenant, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
            {
                Content = new StringContent(CloudEventWriter.ToJson(envelope), Encoding.UTF8, "application/cloudevents+json"),
            };
            request.Headers.Authorization = new("Bearer", PublishKey(tenant, envelope.SourceApp)); // read anew: a recovery may bring new keys
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

    /// <summary>The key <paramref name="app"/> publishes with into <paramref name="tenant"/>: the run's own key, or the silo's app key for a tenant this session did not create.</summary>
    private string? PublishKey(string tenant, string app) =>
        (_runKeys.TryGetValue(tenant, out var run) ? run : _keys.Apps).GetValueOrDefault(app);

    /// <inheritdoc />
    public async Task<DateTimeOffset> NowAsync(string tenant, CancellationToken cancellationToken) =>
        Noted(tenant, await SendAsync<ClockTime>(HttpMethod.Get, $"/api/v1/runs/{tenant}/clock", null, cancellationToken, tenant));

    /// <inheritdoc />
    public async Task AdvanceAsync(string tenant, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // A virtual clock moves when told; a real one is only waited for.
        while (Noted(tenant, await SendAsync<ClockTime>(HttpMethod.Post, $"/api/v1/runs/{tenant}/advance", new ClockTime(until), cancellationToken, tenant)) < until)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task SettleAsync(string tenant, DateTimeOffset limit, CancellationToken cancellationToken) =>
        Noted(tenant, await SendAsync<ClockTime>(HttpMethod.Post, $"/api/v1/runs/{tenant}/settle", new ClockTime(limit), cancellationToken, tenant));

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, AppSnapshot>> AppsAsync(string tenant, CancellationToken cancellationToken) =>
        await SendAsync<SortedDictionary<string, AppSnapshot>>(HttpMethod.Get, $"/api/v1/tenants/{tenant}/apps", null, cancellationToken, tenant);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ApplyReceipt>>> ReceiptsAsync(string tenant, CancellationToken cancellationToken)
    {
        var receipts = new SortedDictionary<string, IReadOnlyList<ApplyReceipt>>(StringComparer.Ordinal);
        // Every app of the silo's catalog: an app that publishes nothing has no key but does have receipts.
        foreach (var app in _apps.Order(StringComparer.Ordinal))
        {
            receipts[app] = await SendAsync<List<ApplyReceipt>>(HttpMethod.Get, $"/api/v1/tenants/{tenant}/apps/{app}/receipts", null, cancellationToken, tenant);
        }

        return receipts;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, CircuitSnapshot>> CircuitsAsync(string tenant, CancellationToken cancellationToken) =>
        await SendAsync<SortedDictionary<string, CircuitSnapshot>>(HttpMethod.Get, $"/api/v1/tenants/{tenant}/circuits", null, cancellationToken, tenant);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, DeliveryQueueSnapshot>> QueuesAsync(string tenant, CancellationToken cancellationToken) =>
        await SendAsync<SortedDictionary<string, DeliveryQueueSnapshot>>(HttpMethod.Get, $"/api/v1/tenants/{tenant}/queues", null, cancellationToken, tenant);

    /// <inheritdoc />
    public async Task<IdempotencyState?> IdempotencyAsync(string tenant, string sourceApp, string key, CancellationToken cancellationToken)
    {
        using var response = await WithRecoveryAsync(tenant,
            () => Admin(HttpMethod.Get, $"/api/v1/tenants/{tenant}/receipts/{sourceApp}/{Uri.EscapeDataString(key)}", null), cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await Read<IdempotencyState>(response, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<InjectedFault> InjectFaultAsync(FaultRequest request, CancellationToken cancellationToken)
    {
        using var response = await FaultCallAsync(() => Admin(HttpMethod.Post, "/api/v1/faults", request), cancellationToken);
        return await Read<InjectedFault>(response, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> RevertFaultAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await FaultCallAsync(() => Admin(HttpMethod.Delete, $"/api/v1/faults/{Uri.EscapeDataString(id)}", null), cancellationToken);
        return response.IsSuccessStatusCode;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<InjectedFault>> RevertFaultsAsync(string? owner, CancellationToken cancellationToken)
    {
        var path = owner is null ? "/api/v1/faults" : $"/api/v1/faults?owner={Uri.EscapeDataString(owner)}";
        return await MeshFaults.UntilEverySiloConfirmsAsync(async () =>
        {
            using var response = await FaultCallAsync(() => Admin(HttpMethod.Delete, path, null), cancellationToken);
            var answer = await Read<RevertedFaults>(response, cancellationToken);
            return (answer.Faults, answer.Unreached ?? []);
        }, RecoveryTimeout, cancellationToken);
    }

    /// <summary>
    /// A fault call, sent again (to the next silo given, when there are several) while the silo cannot be reached or
    /// answers 503, and without waiting for readiness: the kill switch must work while storage is down.
    /// </summary>
    private async Task<HttpResponseMessage> FaultCallAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + RecoveryTimeout;
        while (true)
        {
            try
            {
                using var message = request();
                var response = await _http.SendAsync(message, cancellationToken);
                if (response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.Unauthorized) || DateTime.UtcNow > deadline)
                {
                    return response;
                }

                response.Dispose();
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    _http = NextSilo();
                }

                // A silo not used before (or restarted) in development mode has keys of its own.
                _keys = await KeysAsync(_http, _keysFile, "development", cancellationToken) ?? _keys;
            }
            catch (Exception e) when (IsConnectionFailure(e) && DateTime.UtcNow < deadline)
            {
                _http = NextSilo();
            }

            await Task.Delay(RetryPause, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<bool> ReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync("/health/ready", cancellationToken);
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
        using var response = await WithRecoveryAsync(null, () => Admin(HttpMethod.Post, "/api/v1/experiments", record), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The experiment runs reported to this silo, newest first: their journals, read as <typeparamref name="TJournal"/>.</summary>
    /// <remarks>The caller names the journal type so that the session, which experiments use, does not depend on them.</remarks>
    public async Task<IReadOnlyList<TJournal>> ExperimentRecordsAsync<TJournal>(CancellationToken cancellationToken)
    {
        using var message = Admin(HttpMethod.Get, "/api/v1/experiments", null);
        using var response = await _http.SendAsync(message, cancellationToken);
        return (await Read<List<ReportedExperiment<TJournal>>>(response, cancellationToken)).Select(r => r.Journal).ToList();
    }

    /// <summary>One record as the silo stores it; the journal inside is the whole record.</summary>
    private sealed record ReportedExperiment<TJournal>(TJournal Journal);

    /// <summary>What the silo's kill switch answers.</summary>
    private sealed record RevertedFaults(IReadOnlyList<InjectedFault> Faults, DateTimeOffset At, IReadOnlyList<string>? Unreached);

    /// <inheritdoc />
    public async Task ReportAsync(string tenant, JsonElement scorecard, CancellationToken cancellationToken)
    {
        using var response = await WithRecoveryAsync(tenant, () => Admin(HttpMethod.Put, $"/api/v1/runs/{tenant}/scorecard", scorecard), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            silo.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? tenant = null)
    {
        using var response = await WithRecoveryAsync(tenant, () => Admin(method, path, body), cancellationToken);
        return await Read<T>(response, cancellationToken);
    }

    private DateTimeOffset Noted(string tenant, ClockTime clock)
    {
        if (_runs.TryGetValue(tenant, out var run) && clock.Time > run.Clock)
        {
            _runs[tenant] = run with { Clock = clock.Time };
        }

        return clock.Time;
    }

    /// <summary>
    /// Sends a request; if the silo went away (connection refused or reset, 503, its keys changed with a restart, or it
    /// no longer knows the run), waits for it to be ready, takes the run up again where its clock had got to, and
    /// sends again. Every request the runner makes is idempotent, so sending it again is safe.
    /// </summary>
    private async Task<HttpResponseMessage> WithRecoveryAsync(string? tenant, Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + RecoveryTimeout;
        while (true)
        {
            HttpResponseMessage? response = null;
            try
            {
                using var message = request();
                var path = message.RequestUri!.OriginalString; // read before sending: HttpClient makes it absolute
                response = await _http.SendAsync(message, cancellationToken);
                var lostRun = response.StatusCode == HttpStatusCode.NotFound && tenant is not null && _runs.ContainsKey(tenant)
                    && (path.StartsWith($"/api/v1/runs/{tenant}/", StringComparison.Ordinal)
                        || path == "/api/v1/events"); // run_not_found: the silo restarted without it, or its tenant moved
                if (response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.Unauthorized) && !lostRun)
                {
                    return response;
                }
            }
            catch (Exception e) when (IsConnectionFailure(e) && DateTime.UtcNow < deadline)
            {
            }

            response?.Dispose();
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The silo at {Silo} did not come back within {RecoveryTimeout}.");
            }

            try
            {
                await RecoverAsync(tenant, deadline, cancellationToken);
            }
            catch (Exception e) when (IsConnectionFailure(e) && DateTime.UtcNow < deadline)
            {
                // the silo chosen went away in turn: the next round chooses again
            }

            await Task.Delay(RetryPause, cancellationToken); // a silo still answering 503 (a cluster declaring a silo dead) is not asked in a tight loop
        }
    }

    /// <summary>How long a request waits before it is sent again after the silo could not serve it.</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The silo went away under the request: HttpClient says so with an HttpRequestException, except when the socket dies
    /// between connecting and reading its endpoint, which surfaces as a bare SocketException, or when the silo hangs
    /// (paused, cut off) past the client's timeout.
    /// </summary>
    private static bool IsConnectionFailure(Exception e) =>
        e is HttpRequestException or System.Net.Sockets.SocketException or TaskCanceledException { InnerException: TimeoutException };

    private async Task RecoverAsync(string? tenant, DateTime deadline, CancellationToken cancellationToken)
    {
        _http = await ReadySiloAsync(deadline, cancellationToken);
        _keys = await KeysAsync(_http, _keysFile, "development", cancellationToken) ?? _keys; // a restarted development silo has new keys
        foreach (var (runId, run) in tenant is null ? _runs : _runs.Where(r => r.Key == tenant))
        {
            // The run's settings, with its clock where it had got to; its durable queues and holds are woken by the silo.
            using var resume = Admin(HttpMethod.Post, "/api/v1/runs",
                new { runId, settings = run.Settings with { ClockStart = run.Clock }, resume = true, sequence = run.Sequence, listed = run.Listed });
            using var response = await _http.SendAsync(resume, cancellationToken);
            if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<CreatedRun>(MeshJson.Options, cancellationToken) is { } created)
            {
                _runKeys[runId] = created.Keys; // derived from the admin key, which a restarted development silo changed
            }
        }
    }

    /// <summary>The silo given after the one in use (the first after the last).</summary>
    private HttpClient NextSilo() => _silos[(Array.IndexOf(_silos, _http) + 1) % _silos.Length];

    /// <summary>
    /// The silo to go on with: the one in use if it is ready, else the next given silo that is (a silo of the same
    /// cluster serves every tenant). Polls them in turn until one is; past <paramref name="deadline"/>, gives up.
    /// </summary>
    private async Task<HttpClient> ReadySiloAsync(DateTime deadline, CancellationToken cancellationToken)
    {
        if (_silos.Length == 1)
        {
            await WaitUntilReadyAsync(_http, deadline, cancellationToken);
            return _http;
        }

        var start = Array.IndexOf(_silos, _http);
        while (true)
        {
            for (var i = 0; i < _silos.Length; i++)
            {
                var candidate = _silos[(start + i) % _silos.Length];
                if (await IsReadyAsync(candidate, cancellationToken))
                {
                    return candidate;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"None of the silos {string.Join(", ", _silos.Select(UrlOf))} became ready again within {RecoveryTimeout}.");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Whether the silo answers ready within five seconds (a silo that hangs is not ready).</summary>
    private static async Task<bool> IsReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var ready = await http.GetAsync("/health/ready", probe.Token);
            return ready.IsSuccessStatusCode;
        }
        catch (Exception e) when (IsConnectionFailure(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>Polls the silo's readiness until it answers ready; past <paramref name="deadline"/>, gives up with an error that says so.</summary>
    private static async Task WaitUntilReadyAsync(HttpClient http, DateTime deadline, CancellationToken cancellationToken)
    {
        while (!await IsReadyAsync(http, cancellationToken))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The silo at {UrlOf(http)} did not become ready again within {RecoveryTimeout}.");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static string UrlOf(HttpClient http) => http.BaseAddress!.ToString().TrimEnd('/');

    private HttpRequestMessage Admin(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", _keys.Admin);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: MeshJson.Options);
        }

        return request;
    }

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
