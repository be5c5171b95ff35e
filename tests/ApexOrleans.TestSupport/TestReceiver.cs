using System.Collections.Concurrent;
using ApexOrleans.Contracts.Webhooks;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace ApexOrleans.TestSupport;

/// <summary>
/// A webhook receiver of a user's own, on loopback: it checks every request's signature with the StandardWebhooks package
/// (an implementation written apart from this project), records what came, and answers as its handler says.
/// </summary>
public sealed class TestReceiver : IAsyncDisposable
{
    private LoopbackApp _app = null!;

    private TestReceiver()
    {
    }

    /// <summary>Its base URL.</summary>
    public string Url => _app.Url;

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<ReceivedWebhook> Requests { get; } = new();

    /// <summary>Starts a receiver that knows <paramref name="secret"/> and answers with <paramref name="answer"/>.</summary>
    public static async Task<TestReceiver> StartAsync(WebhookSecret secret, Func<ReceivedWebhook, HttpContext, Task> answer)
    {
        var receiver = new TestReceiver();
        var verifier = new StandardWebhook(secret.Reveal());
        receiver._app = await LoopbackApp.StartAsync(async context =>
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
            receiver.Requests.Enqueue(received);
            await answer(received, context);
        });
        return receiver;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>One request a <see cref="TestReceiver"/> got, and whether its signature held.</summary>
public sealed record ReceivedWebhook(string Path, string Id, string Body, bool SignatureHolds);
