using System.Collections.Concurrent;
using ApexOrleans.Contracts.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace ApexOrleans.TestSupport;

/// <summary>
/// A webhook receiver of a user's own, on loopback: it checks every request's signature with the StandardWebhooks package
/// (an implementation written apart from this project), records what came, and answers as its handler says.
/// </summary>
public sealed class TestReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Its base URL.</summary>
    public string Url { get; }

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<ReceivedWebhook> Requests { get; } = new();

    /// <summary>Starts a receiver that knows <paramref name="secret"/> and answers with <paramref name="answer"/>.</summary>
    public static async Task<TestReceiver> StartAsync(WebhookSecret secret, Func<ReceivedWebhook, HttpContext, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        TestReceiver? receiver = null;
        var verifier = new StandardWebhook(secret.Reveal());
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            bool holds;
            try
            {
                verifier.Verify(body, context.Request.Headers);
                holds = true;
            }
            catch (Exception)
            {
                holds = false;
            }

            var received = new ReceivedWebhook(context.Request.Path, context.Request.Headers[WebhookHeaders.Id].ToString(), body, holds);
            receiver!.Requests.Enqueue(received);
            await answer(received, context);
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new TestReceiver(app, url);
        return receiver;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request a <see cref="TestReceiver"/> got, and whether its signature held.</summary>
public sealed record ReceivedWebhook(string Path, string Id, string Body, bool SignatureHolds);
