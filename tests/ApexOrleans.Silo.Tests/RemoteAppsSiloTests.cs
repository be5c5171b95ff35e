using System.Collections.Concurrent;
using ApexOrleans.Contracts.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApexOrleans.Silo.Tests;

/// <summary>A silo's own configuration (<c>Apex:Remote</c>) makes an app remote; a bad one stops the silo before it listens.</summary>
public sealed class RemoteAppsSiloTests
{
    [Fact]
    public async Task AnAppTheSilosConfigurationMakesRemoteGetsItsDeliveriesAsSignedWebhooks()
    {
        var secret = WebhookSecret.Generate();
        var received = new ConcurrentQueue<(string Id, string? Refusal)>();
        await using var receiver = await StartReceiverAsync(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var refusal = WebhookSignature.Refusal(secret, context.Request.Headers[WebhookHeaders.Id], context.Request.Headers[WebhookHeaders.Timestamp],
                context.Request.Headers[WebhookHeaders.Signature], body.ToArray(), DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance);
            received.Enqueue((context.Request.Headers[WebhookHeaders.Id].ToString(), refusal));
        });
        await using var silo = await RunningSilo.StartAsync(
            "--Apex:Remote:Endpoints:omnihub", $"{receiver.Url}/hooks", "--Apex:Remote:WebhookSecret", secret.Reveal());
        var keys = await silo.KeysAsync();

        var (status, _, _) = await silo.PublishAsync(
            """{ "eventType": "tradeline247:call.received", "target": ["omnihub"], "idempotencyKey": "remote-1", "payload": { "callId": "call-001" } }""",
            keys.Apps["tradeline247"]);

        Assert.Equal(202, status);
        await ApiTests.Eventually(() => Task.FromResult(!received.IsEmpty));
        var (id, refusal) = Assert.Single(received);
        Assert.Null(refusal);
        Assert.StartsWith("msg_", id);
    }

    [Theory]
    [InlineData("--Apex:Remote:Endpoints:omnihub", "ftp://127.0.0.1/hooks", "not an absolute http or https URL")]
    [InlineData("--Apex:Remote:Endpoints:nosuchapp", "http://127.0.0.1:9/hooks", "'nosuchapp' is not an app of the catalog")]
    [InlineData("--Apex:Remote:WebhookSecret", "sk_live_123", "a webhook secret is written whsec_")]
    public async Task ABadRemoteAppSettingStopsTheSiloNamingIt(string setting, string value, string message)
    {
        string[] settings = setting.Contains("WebhookSecret", StringComparison.Ordinal)
            ? [setting, value, "--Apex:Remote:Endpoints:omnihub", "http://127.0.0.1:9/hooks"]
            : [setting, value];

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () => await (await RunningSilo.StartAsync(settings)).DisposeAsync());

        Assert.Contains(message, failure.ToString());
        Assert.DoesNotContain("sk_live_123", failure.ToString());
    }

    private static async Task<Receiver> StartReceiverAsync(RequestDelegate handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handle);
        await app.StartAsync();
        return new Receiver(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    private sealed record Receiver(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
