using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ApexOrleans.Grains.Apps;
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
    private readonly HttpClient _http;
    private readonly SiloKeys _keys;

    private HttpMeshSession(HttpClient http, SiloKeys keys, string storage)
    {
        _http = http;
        _keys = keys;
        Storage = storage;
    }

    /// <summary>The keys a client uses: the admin key and each app's publish key.</summary>
    public sealed record SiloKeys(string Admin, IReadOnlyDictionary<string, string> Apps);

    private sealed record SiloInfo(string Version, string Mode, string Storage, IReadOnlyList<string> Apps);

    private sealed record ClockTime(DateTimeOffset Time);

    /// <inheritdoc />
    public string Silo => _http.BaseAddress!.ToString().TrimEnd('/');

    /// <inheritdoc />
    public string Storage { get; }

    /// <summary>Connects to the silo at <paramref name="url"/>; refuses clearly when it cannot be reached or keys are missing.</summary>
    public static async Task<HttpMeshSession> ConnectAsync(string url, string? keysFile, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--silo {url}: give 'embedded' or an http(s) URL such as http://127.0.0.1:5080.");
        }

        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) };
        try
        {
            SiloInfo info;
            try
            {
                info = (await http.GetFromJsonAsync<SiloInfo>("/api/v1/info", MeshJson.Options, cancellationToken))!;
            }
            catch (HttpRequestException e)
            {
                throw new ArgumentException($"--silo {url}: no silo answers there ({e.Message}). Start one with: dotnet run --project silo");
            }

            SiloKeys keys;
            if (keysFile is not null)
            {
                keys = JsonSerializer.Deserialize<SiloKeys>(await File.ReadAllTextAsync(keysFile, cancellationToken), MeshJson.Options)
                    ?? throw new ArgumentException($"--keys {keysFile}: expected {{ \"admin\": \"…\", \"apps\": {{ \"app\": \"key\" }} }}.");
            }
            else
            {
                using var response = await http.GetAsync("/api/v1/dev/keys", cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new ArgumentException($"--silo {url} runs in {info.Mode} mode and gives no keys: pass --keys FILE with its admin and app keys.");
                }

                keys = (await response.Content.ReadFromJsonAsync<SiloKeys>(MeshJson.Options, cancellationToken))!;
            }

            return new HttpMeshSession(http, keys, info.Storage);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task StartTenantAsync(string tenant, RunSettings settings, CancellationToken cancellationToken) =>
        await SendAsync<ClockTime>(HttpMethod.Post, "/api/v1/runs", new { runId = tenant, settings }, cancellationToken);

    /// <inheritdoc />
    public async Task<PublishReceipt> PublishAsync(string tenant, EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!_keys.Apps.TryGetValue(envelope.SourceApp, out var key))
        {
            throw new PublishRejectedException(new PublishRejection("unknown_app", "app", $"no key for app '{envelope.SourceApp}'"));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        {
            Content = new StringContent(CloudEventWriter.ToJson(envelope), Encoding.UTF8, "application/cloudevents+json"),
        };
        request.Headers.Authorization = new("Bearer", key);
        request.Headers.Add(TenantHeader, tenant);
        using var response = await _http.SendAsync(request, cancellationToken);
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
        (await SendAsync<ClockTime>(HttpMethod.Get, $"/api/v1/runs/{tenant}/clock", null, cancellationToken)).Time;

    /// <inheritdoc />
    public async Task AdvanceAsync(string tenant, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // A virtual clock moves when told; a real one is only waited for.
        while ((await SendAsync<ClockTime>(HttpMethod.Post, $"/api/v1/runs/{tenant}/advance", new ClockTime(until), cancellationToken)).Time < until)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task SettleAsync(string tenant, DateTimeOffset limit, CancellationToken cancellationToken) =>
        await SendAsync<ClockTime>(HttpMethod.Post, $"/api/v1/runs/{tenant}/settle", new ClockTime(limit), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, AppSnapshot>> AppsAsync(string tenant, CancellationToken cancellationToken) =>
        await SendAsync<SortedDictionary<string, AppSnapshot>>(HttpMethod.Get, $"/api/v1/tenants/{tenant}/apps", null, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ApplyReceipt>>> ReceiptsAsync(string tenant, CancellationToken cancellationToken)
    {
        var receipts = new SortedDictionary<string, IReadOnlyList<ApplyReceipt>>(StringComparer.Ordinal);
        foreach (var app in _keys.Apps.Keys.Order(StringComparer.Ordinal))
        {
            receipts[app] = await SendAsync<List<ApplyReceipt>>(HttpMethod.Get, $"/api/v1/tenants/{tenant}/apps/{app}/receipts", null, cancellationToken);
        }

        return receipts;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, CircuitSnapshot>> CircuitsAsync(string tenant, CancellationToken cancellationToken) =>
        await SendAsync<SortedDictionary<string, CircuitSnapshot>>(HttpMethod.Get, $"/api/v1/tenants/{tenant}/circuits", null, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, DeliveryQueueSnapshot>> QueuesAsync(string tenant, CancellationToken cancellationToken) =>
        await SendAsync<SortedDictionary<string, DeliveryQueueSnapshot>>(HttpMethod.Get, $"/api/v1/tenants/{tenant}/queues", null, cancellationToken);

    /// <inheritdoc />
    public async Task<IdempotencyState?> IdempotencyAsync(string tenant, string key, CancellationToken cancellationToken)
    {
        using var request = Admin(HttpMethod.Get, $"/api/v1/tenants/{tenant}/receipts/{Uri.EscapeDataString(key)}", null);
        using var response = await _http.SendAsync(request, cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await Read<IdempotencyState>(response, cancellationToken);
    }

    /// <inheritdoc />
    public async Task ReportAsync(string tenant, JsonElement scorecard, CancellationToken cancellationToken)
    {
        using var request = Admin(HttpMethod.Put, $"/api/v1/runs/{tenant}/scorecard", scorecard);
        using var response = await _http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = Admin(method, path, body);
        using var response = await _http.SendAsync(request, cancellationToken);
        return await Read<T>(response, cancellationToken);
    }

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
