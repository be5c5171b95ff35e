using ApexOrleans.Contracts.Webhooks;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Silo.Tests;

/// <summary>A silo's own configuration (<c>Apex:Remote</c>) makes an app remote; a bad one stops the silo before it listens.</summary>
public sealed class RemoteAppsSiloTests
{
    [Fact]
    public async Task AnAppTheSilosConfigurationMakesRemoteGetsItsDeliveriesAsSignedWebhooks()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await TestReceiver.StartAsync(secret, (_, _) => Task.CompletedTask);
        await using var silo = await RunningSilo.StartAsync(
            "--Apex:Remote:Endpoints:omnihub", $"{receiver.Url}/hooks", "--Apex:Remote:WebhookSecret", secret.Reveal());
        var keys = await silo.KeysAsync();

        var (status, _, _) = await silo.PublishAsync(
            """{ "eventType": "tradeline247:call.received", "target": ["omnihub"], "idempotencyKey": "remote-1", "payload": { "callId": "call-001" } }""",
            keys.Apps["tradeline247"]);

        Assert.Equal(202, status);
        await ApiTests.Eventually(() => Task.FromResult(!receiver.Requests.IsEmpty));
        var received = Assert.Single(receiver.Requests);
        Assert.True(received.SignatureHolds); // checked by the StandardWebhooks package
        Assert.Equal("/hooks", received.Path);
        Assert.StartsWith("msg_", received.Id);
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
}
