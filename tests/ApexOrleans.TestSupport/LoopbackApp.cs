using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApexOrleans.TestSupport;

/// <summary>A slim web app on a free loopback port with one handler for every request: what a test's fake service is.</summary>
public sealed class LoopbackApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackApp(WebApplication app, string url) => (_app, Url) = (app, url);

    /// <summary>Its base URL.</summary>
    public string Url { get; }

    /// <summary>Starts it, serving every request with <paramref name="handle"/>; HTTP/1.1, or with <paramref name="protocols"/> HTTP/2 alone for h2c (gRPC without TLS).</summary>
    public static async Task<LoopbackApp> StartAsync(RequestDelegate handle, HttpProtocols protocols = HttpProtocols.Http1)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = protocols));
        var app = builder.Build();
        app.Run(handle);
        await app.StartAsync();
        return new LoopbackApp(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
