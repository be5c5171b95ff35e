using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Webhooks;
using ApexOrleans.TestSupport;
using Microsoft.AspNetCore.Http;

namespace ApexOrleans.Client.Tests.RemoteApps;

/// <summary>
/// One day with six apps at a receiver that answers each in its own way: a permanent refusal, a redirect, an oversized
/// body, a 503 that asks to come back later, an answer slower than the attempt's timeout, and one that breaks off.
/// </summary>
public sealed class RemoteAnswerDay : IAsyncLifetime
{
    /// <summary>The body a permanent refusal carries.</summary>
    public const string RefusalBody = "jubeelove refuses: no such contact";

    /// <summary>How long the busy app asks the mesh to wait.</summary>
    public const int RetryAfterSeconds = 900;

    private readonly TempFolder _folder = new();
    private readonly ConcurrentDictionary<string, bool> _seen = new();
    private TestReceiver _receiver = null!;

    /// <summary>The big body the aspiral route answers with.</summary>
    public static byte[] BigBody { get; } = Enumerable.Range(0, 200 * 1024).Select(i => (byte)('a' + i % 26)).ToArray();

    /// <summary>What the receiver got.</summary>
    public IReadOnlyList<ReceivedWebhook> Requests => [.. _receiver.Requests];

    /// <summary>The run's deliveries, by target.</summary>
    public ILookup<string, EventLine> Deliveries { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var secret = WebhookSecret.Generate();
        _receiver = await TestReceiver.StartAsync(secret, AnswerAsync);
        var scenario = JsonNode.Parse(await File.ReadAllTextAsync(Apex.SarahsDay))!;
        scenario["chaos"]!["timeoutMs"] = 1000; // the slow app answers after 3 s
        var path = Path.Combine(_folder.Path, "sarahs-day-short-timeout.json");
        await File.WriteAllTextAsync(path, scenario.ToJsonString());
        var endpoints = new[] { "jubeelove", "bright", "aspiral", "keepsafe", "careconnect", "flowc" }.ToDictionary(app => app, app => $"{_receiver.Url}/{app}");

        var outcome = await Apex.RunScenarioAsync(_folder.Path, path, remote: new RemoteAppsChoice { Endpoints = endpoints, Secret = secret.Reveal() });

        Deliveries = EvidenceBundle.ReadHistory(EvidenceBundle.Read(outcome.BundlePath)).Events.Where(e => e.Kind == "delivery").ToLookup(e => e.Target!);
    }

    private async Task AnswerAsync(ReceivedWebhook request, HttpContext context)
    {
        var first = _seen.TryAdd($"{request.Path} {request.Id}", true);
        switch (request.Path)
        {
            case "/jubeelove":
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync(RefusalBody);
                break;
            case "/bright":
                context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                context.Response.Headers.Location = "/trap";
                break;
            case "/aspiral":
                await context.Response.Body.WriteAsync(BigBody);
                break;
            case "/keepsafe" when first:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case "/careconnect" when first:
                await Task.Delay(TimeSpan.FromSeconds(3));
                break;
            case "/flowc" when first:
                context.Response.ContentLength = 1000; // promises more than it sends, then drops the connection
                await context.Response.WriteAsync("{\"status\":");
                await context.Response.Body.FlushAsync();
                await Task.Delay(200); // the mesh has the headers and reads the body when the connection drops
                context.Abort();
                break;
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>What a remote app's answers make of its deliveries.</summary>
public sealed class RemoteAnswerTests(RemoteAnswerDay day) : IClassFixture<RemoteAnswerDay>
{
    [Fact]
    public void APermanentRefusalIsDeadLetteredAtOnceWithItsBodyKept()
    {
        var refused = day.Deliveries["jubeelove"].ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, d =>
        {
            Assert.Equal("dead-letter", d.Status);
            var last = d.Attempts[^1];
            Assert.Equal(400, last.Http![0].Status);
            Assert.Equal(RemoteAnswerDay.RefusalBody, last.Http[0].Body);
            Assert.All(d.Attempts.Take(d.Attempts.Count - 1), a => Assert.Null(a.Http)); // only attempts the chaos stopped before it
        });
    }

    [Fact]
    public void ARedirectIsNeverFollowed()
    {
        Assert.DoesNotContain(day.Requests, r => r.Path == "/trap");
        Assert.All(day.Deliveries["bright"], d =>
        {
            Assert.Equal("dead-letter", d.Status);
            Assert.Equal(307, d.Attempts[^1].Http![0].Status);
        });
    }

    [Fact]
    public void AtMost64KiBOfAnAnswerIsReadAndHashed()
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(RemoteAnswerDay.BigBody.AsSpan(0, 64 * 1024)));
        var answered = day.Deliveries["aspiral"].SelectMany(d => d.Attempts).SelectMany(a => a.Http ?? []).Where(h => h.Status == 200).ToList();
        Assert.NotEmpty(answered);
        Assert.All(answered, h => Assert.Equal(expected, h.BodySha256));
    }

    [Fact]
    public void RetryAfterIsHonoured()
    {
        var waited = day.Deliveries["keepsafe"].Where(d => d.Attempts.Any(a => a.Http is [{ Status: 503 }, ..])).ToList();
        Assert.NotEmpty(waited);
        Assert.All(waited, d =>
        {
            Assert.Equal("delivered", d.Status);
            var busy = d.Attempts.First(a => a.Http is [{ Status: 503 }, ..]);
            Assert.Equal(RemoteAnswerDay.RetryAfterSeconds, busy.Http![0].RetryAfterSeconds);
            var next = d.Attempts.First(a => a.Number == busy.Number + 1);
            Assert.True(next.At - busy.At >= TimeSpan.FromSeconds(RemoteAnswerDay.RetryAfterSeconds), $"{d.IdempotencyKey}: retried {next.At - busy.At} after the 503");
        });
    }

    [Fact]
    public void AnAnswerThatBreaksOffIsAnAttemptWithoutAnswerThenRetried()
    {
        var broken = day.Deliveries["flowc"].Where(d => d.Attempts.Any(a => a.Http is [{ Status: null }, ..])).ToList();
        Assert.NotEmpty(broken);
        Assert.All(broken, d => Assert.Equal("delivered", d.Status));
    }

    [Fact]
    public void AnAnswerPastTheReadTimeoutIsATimedOutAttemptThenRetried()
    {
        var slow = day.Deliveries["careconnect"].Where(d => d.Attempts.Any(a => a.Http is [{ Status: null }, ..])).ToList();
        Assert.NotEmpty(slow);
        Assert.All(slow, d =>
        {
            Assert.Equal("delivered", d.Status);
            Assert.Contains(d.Attempts, a => a.Http is [{ Status: null, Error: "no answer within 1000 ms" }, ..]);
            Assert.Null(d.FailedOverTo); // it may have been taken there: never failed over to a second provider
        });
        Assert.All(day.Requests, r => Assert.True(r.SignatureHolds));
    }
}
