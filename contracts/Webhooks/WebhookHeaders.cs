namespace ApexOrleans.Contracts.Webhooks;

/// <summary>The headers of a Standard Webhooks delivery (standardwebhooks.com).</summary>
public static class WebhookHeaders
{
    /// <summary>The message id: the same on every retry, for the receiver to deduplicate on.</summary>
    public const string Id = "webhook-id";

    /// <summary>Seconds since the Unix epoch when the request was signed.</summary>
    public const string Timestamp = "webhook-timestamp";

    /// <summary>Space-separated signatures, each <c>v1,&lt;base64 HMAC-SHA256&gt;</c>.</summary>
    public const string Signature = "webhook-signature";
}
