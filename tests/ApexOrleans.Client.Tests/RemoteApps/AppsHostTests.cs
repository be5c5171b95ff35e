using System.Net;
using System.Text;
using System.Text.Json;
using ApexOrleans.Apps;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Webhooks;

namespace ApexOrleans.Client.Tests.RemoteApps;

/// <summary>The apps host at its edges: one message id per receiving app, a delivery its app does not take, and where it may listen.</summary>
public sealed class AppsHostTests
{
    private static readonly EventEnvelope Call = EnvelopeParser.Parse(
        """{ "eventType": "tradeline247:call.received", "target": ["omnihub", "jubeelove"], "idempotencyKey": "k-1", "payload": { "callId": "call-1" } }""");

    [Fact]
    public void EachReceivingAppGetsItsOwnMessageIdAndEachRetryTheSame()
    {
        var delivery = new Delivery(Call, DeliveryRole.Target);

        Assert.NotEqual(WebhookMessage.IdOf("t", "omnihub", delivery), WebhookMessage.IdOf("t", "jubeelove", delivery));
        Assert.NotEqual(WebhookMessage.IdOf("t", "omnihub", delivery), WebhookMessage.IdOf("u", "omnihub", delivery));
        Assert.Equal(WebhookMessage.IdOf("t", "omnihub", delivery), WebhookMessage.IdOf("t", "omnihub", new Delivery(Call, DeliveryRole.Target)));
    }

    [Fact]
    public async Task ASignedDeliveryItsAppDoesNotTakeIsRefusedFor422AndNoRepeatIsSeen()
    {
        var secret = WebhookSecret.Generate();
        await using var host = await AppsHost.StartAsync(new AppsHostOptions { Url = "http://127.0.0.1:0", Secret = secret }, TimeProvider.System);
        using var http = new HttpClient { BaseAddress = new Uri(host.Url) };
        var delivery = new Delivery(Call, DeliveryRole.Target); // autorepai takes no call

        var first = await PostAsync(http, secret, "autorepai", delivery);
        var again = await PostAsync(http, secret, "autorepai", delivery);
        var taken = await PostAsync(http, secret, "omnihub", delivery);
        var repeat = await PostAsync(http, secret, "omnihub", delivery);

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (first, again));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Conflict), (taken, repeat));
    }

    [Fact]
    public async Task ARepeatOfAHeldDeliveryIsAnswered409NotTakenAgain()
    {
        var secret = WebhookSecret.Generate();
        await using var host = await AppsHost.StartAsync(new AppsHostOptions { Url = "http://127.0.0.1:0", Secret = secret }, TimeProvider.System);
        using var http = new HttpClient { BaseAddress = new Uri(host.Url) };
        var payment = EnvelopeParser.Parse(
            """{ "eventType": "flowbills:payment.received", "target": ["omnihub"], "idempotencyKey": "p-1", "payload": { "paymentId": "p-1", "invoiceId": "inv-9" } }""");
        var delivery = new Delivery(payment, DeliveryRole.Source); // held: invoice inv-9 is not there yet

        var first = await PostAsync(http, secret, "flowbills", delivery);
        var repeat = await PostAsync(http, secret, "flowbills", delivery);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Conflict), (first, repeat));
    }

    [Theory]
    [InlineData("http://127.0.0.1:0/;http://0.0.0.0:0")]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("not a url")]
    public async Task TheHostListensOnLoopbackOnly(string url) =>
        await Assert.ThrowsAsync<ArgumentException>(() => AppsHost.StartAsync(new AppsHostOptions { Url = url, Secret = WebhookSecret.Generate() }, TimeProvider.System));

    private static async Task<HttpStatusCode> PostAsync(HttpClient http, WebhookSecret secret, string app, Delivery delivery)
    {
        var body = WebhookMessage.Write("t", delivery, DateTimeOffset.Parse("2026-01-03T07:15:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var id = WebhookMessage.IdOf("t", app, delivery);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"apps/{app}") { Content = new ByteArrayContent(body) };
        request.Headers.Add(WebhookHeaders.Id, id);
        request.Headers.Add(WebhookHeaders.Timestamp, now.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookHeaders.Signature, WebhookSignature.Sign(secret, id, now, body));
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
