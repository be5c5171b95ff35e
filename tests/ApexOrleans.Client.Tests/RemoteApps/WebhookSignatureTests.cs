using System.Text;
using ApexOrleans.Contracts.Webhooks;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace ApexOrleans.Client.Tests.RemoteApps;

/// <summary>The mesh's Standard Webhooks signatures, checked by the StandardWebhooks package and by the mesh's own check.</summary>
public sealed class WebhookSignatureTests
{
    private static readonly WebhookSecret Secret = WebhookSecret.Parse("whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));

    [Fact]
    public void ASignatureTheMeshMakesHoldsForAnIndependentVerifier()
    {
        var body = "{\"specversion\":\"1.0\",\"id\":\"evt-1\"}";
        var now = DateTimeOffset.UtcNow;
        var headers = new HeaderDictionary
        {
            [WebhookHeaders.Id] = "msg_1",
            [WebhookHeaders.Timestamp] = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            [WebhookHeaders.Signature] = WebhookSignature.Sign(Secret, "msg_1", now.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(body)),
        };

        new StandardWebhook(Secret.Reveal()).Verify(body, headers); // throws if it does not hold
        Assert.Null(WebhookSignature.Refusal(Secret, "msg_1", headers[WebhookHeaders.Timestamp], headers[WebhookHeaders.Signature], Encoding.UTF8.GetBytes(body), now,
            WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void AnIndependentSignatureHoldsForTheMeshsCheck()
    {
        var body = "{\"a\":1}";
        var now = DateTimeOffset.UtcNow;
        var signature = new StandardWebhook(Secret.Reveal()).Sign("msg_2", now, body);

        Assert.Null(WebhookSignature.Refusal(Secret, "msg_2", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), signature,
            Encoding.UTF8.GetBytes(body), now, WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void AChangedBodyAnotherIdOrAnOldTimestampIsRefused()
    {
        var now = DateTimeOffset.UtcNow;
        var body = Encoding.UTF8.GetBytes("{\"amount\":250}");
        var signature = WebhookSignature.Sign(Secret, "msg_3", now.ToUnixTimeSeconds(), body);
        var stamp = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.NotNull(WebhookSignature.Refusal(Secret, "msg_3", stamp, signature, Encoding.UTF8.GetBytes("{\"amount\":2500}"), now, WebhookSignature.DefaultTolerance));
        Assert.NotNull(WebhookSignature.Refusal(Secret, "msg_4", stamp, signature, body, now, WebhookSignature.DefaultTolerance));
        Assert.NotNull(WebhookSignature.Refusal(Secret, "msg_3", stamp, signature, body, now.AddMinutes(6), WebhookSignature.DefaultTolerance));
        Assert.NotNull(WebhookSignature.Refusal(WebhookSecret.Generate(), "msg_3", stamp, signature, body, now, WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void ASecretNeverShowsItsKeyWhenPrinted()
    {
        var secret = WebhookSecret.Generate();

        Assert.DoesNotContain(secret.Reveal()[WebhookSecret.Prefix.Length..], secret.ToString(), StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => WebhookSecret.Parse("sk_live_abc"));
        Assert.Throws<FormatException>(() => WebhookSecret.Parse("whsec_!!!"));
        Assert.Throws<FormatException>(() => WebhookSecret.Parse("whsec_" + Convert.ToBase64String(new byte[8])));
    }
}
