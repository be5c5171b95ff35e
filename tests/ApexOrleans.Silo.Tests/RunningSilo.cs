using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ApexOrleans.Contracts.Serialization;
using ApexOrleans.Grains.Hosting;
using ApexOrleans.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Silo.Tests;

/// <summary>The silo's real web application on a free 127.0.0.1 port, with a client that holds its development keys.</summary>
internal sealed class RunningSilo : IAsyncDisposable
{
    private RunningSilo(WebApplication app, string url, HttpClient http)
    {
        App = app;
        Url = url;
        Http = http;
    }

    public WebApplication App { get; }

    public string Url { get; }

    public HttpClient Http { get; }

    public static async Task<RunningSilo> StartAsync(params string[] settings)
    {
        var app = SiloHost.Create(["--urls", "http://127.0.0.1:0", "--Apex:Storage", "memory", .. FreeOrleansPorts, .. settings]);
        try
        {
            await app.StartAsync();
        }
        catch (Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // Orleans' ports are found free, then bound: another process on the machine may take one in between. Once more, on new ones.
            await app.DisposeAsync();
            app = SiloHost.Create(["--urls", "http://127.0.0.1:0", "--Apex:Storage", "memory", .. FreeOrleansPorts, .. settings]);
            await app.StartAsync();
        }

        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunningSilo(app, url, new HttpClient { BaseAddress = new Uri(url) });
    }

    /// <summary>Free Orleans ports and a cluster of its own: tests run silos side by side in one process.</summary>
    public static string[] FreeOrleansPorts => ["--Apex:SiloPort", "0", "--Apex:GatewayPort", "0", "--Apex:ClusterId", LoopbackCluster.PrivateClusterId()];

    public async Task<DevelopmentKeys> KeysAsync() => (await Http.GetFromJsonAsync<DevelopmentKeys>("/api/v1/dev/keys", MeshJson.Options))!;

    public sealed record DevelopmentKeys(string Admin, Dictionary<string, string> Apps);

    /// <summary>Posts a raw body to the publish endpoint with a key (or none).</summary>
    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> PublishAsync(string body, string? key, string? tenant = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (tenant is not null)
        {
            request.Headers.Add("X-Apex-Tenant", tenant);
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    /// <summary>Creates run <paramref name="runId"/> on the real clock with no chaos (admin key); returns the keys that publish into it.</summary>
    public async Task<Dictionary<string, string>> CreateRunAsync(string runId)
    {
        var keys = await KeysAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/runs")
        {
            Content = new StringContent($$"""{ "runId": "{{runId}}", "settings": { "clock": "Real" }, "listed": false }""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.Admin);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return created.GetProperty("keys").EnumerateObject().ToDictionary(k => k.Name, k => k.Value.GetString()!);
    }

    /// <summary>Sends a request with the admin key and a JSON body (or none); returns the status and the body read back.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> AdminSendAsync(HttpMethod method, string path, object? body)
    {
        var keys = await KeysAsync();
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: MeshJson.Options);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.Admin);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>GET with the admin key.</summary>
    public async Task<JsonElement> AdminGetAsync(string path)
    {
        var keys = await KeysAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.Admin);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
