using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Webhooks;

namespace ApexOrleans.Client.Running;

/// <summary>
/// The runner's side of <c>apex apps</c>: takes an app down and up at its outage window's edges, and reads the apps'
/// records back, so the evidence holds what the apps themselves kept. Calls carry the webhook secret as a bearer token.
/// </summary>
public sealed class AppsHostClient : IAppRecords, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly HttpClient _http;

    /// <summary>A client of the host at <paramref name="host"/> that knows its <paramref name="secret"/>.</summary>
    public AppsHostClient(Uri host, WebhookSecret secret)
    {
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = host, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret.Reveal());
    }

    /// <summary>The URL at which the host serves <paramref name="app"/>.</summary>
    public static Uri EndpointOf(Uri host, string app) => new(host, $"apps/{Uri.EscapeDataString(app)}");

    /// <summary>
    /// Checks the host answers, holds the same secret, serves the catalog in <paramref name="catalogPath"/> and has no app
    /// down (the control run must meet every app, and a rerun the same host): else the run does not start.
    /// </summary>
    public async Task CheckAsync(string catalogPath, CancellationToken cancellationToken)
    {
        var status = await ReadAsync<AppsHostStatusLine>("admin/status", cancellationToken);
        if (status.Down.Count > 0)
        {
            throw new BadInputException($"the apps host at {_http.BaseAddress} has {string.Join(", ", status.Down)} down: bring it up (POST /admin/up) before a run");
        }

        var ours = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(catalogPath, cancellationToken)));
        if (status.CatalogSha256 != ours)
        {
            throw new BadInputException($"the apps host at {_http.BaseAddress} serves another app catalog than {catalogPath}: start it with --apps {catalogPath}");
        }
    }

    private sealed record AppsHostStatusLine(IReadOnlyList<string> Down, string CatalogSha256);

    /// <summary>Takes <paramref name="app"/> down (its route answers 503) or brings it back up.</summary>
    public async Task SwitchAsync(string app, bool down, CancellationToken cancellationToken) =>
        await CallAsync(HttpMethod.Post, down ? "admin/down" : "admin/up", new { app }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, AppSnapshot>> AppsAsync(string tenant, CancellationToken cancellationToken) =>
        await ReadAsync<Dictionary<string, AppSnapshot>>($"tenants/{Uri.EscapeDataString(tenant)}/apps", cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ApplyReceipt>>> ReceiptsAsync(string tenant, CancellationToken cancellationToken) =>
        (await ReadAsync<Dictionary<string, List<ApplyReceipt>>>($"tenants/{Uri.EscapeDataString(tenant)}/receipts", cancellationToken))
            .ToDictionary(r => r.Key, r => (IReadOnlyList<ApplyReceipt>)r.Value);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<T> ReadAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await CallAsync(HttpMethod.Get, path, null, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
               ?? throw new EnvironmentFailureException($"the apps host at {_http.BaseAddress} answered {path} with nothing");
    }

    private async Task<HttpResponseMessage> CallAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new EnvironmentFailureException($"the apps host at {_http.BaseAddress} does not answer ({e.Message}); start it with 'apex apps'");
        }

        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new BadInputException($"the apps host at {_http.BaseAddress} holds another webhook secret: give it with --webhook-secret or {WebhookSecret.EnvironmentVariable}");
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new EnvironmentFailureException($"the apps host at {_http.BaseAddress} answered {path} with HTTP {status}");
        }

        return response;
    }
}
