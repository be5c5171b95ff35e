using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ApexOrleans.Bench.Baselines;

/// <summary>
/// The HTTP baseline: a bare ASP.NET Core minimal API on 127.0.0.1 that reads a JSON body and answers 202 with a
/// small JSON receipt. No auth, no validation, no storage: the cost of the framework and the loopback only.
/// </summary>
public sealed class BareHttpEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BareHttpEndpoint(WebApplication app) => _app = app;

    /// <summary>Its base URL.</summary>
    public string Url => _app.Urls.First();

    /// <summary>Starts it on a free loopback port.</summary>
    public static async Task<BareHttpEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/events", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var id = body.RootElement.TryGetProperty("id", out var value) ? value.GetString() : null;
            return Results.Accepted(value: new Receipt(id ?? "", "accepted"));
        });
        await app.StartAsync();
        return new BareHttpEndpoint(app);
    }

    /// <summary>What the endpoint answers.</summary>
    public sealed record Receipt(string Id, string Status);

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
