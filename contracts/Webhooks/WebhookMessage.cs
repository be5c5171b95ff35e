using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Webhooks;

/// <summary>
/// A delivery as the body of a webhook: the event as a structured-mode CloudEvent, with the delivery's facts as
/// extension attributes (the tenant, the receiving role, the app a fallback stands in for, the event a reaction waits
/// for, and when the attempt was made on the tenant's clock), so a receiver can keep the same records as the mesh's apps.
/// </summary>
public static class WebhookMessage
{
    /// <summary>The media type of the body.</summary>
    public const string ContentType = "application/cloudevents+json";

    private const string TenantAttribute = "apextenant";
    private const string RoleAttribute = "apexrole";
    private const string StandsInForAttribute = "apexstandsinfor";
    private const string HoldUntilAttribute = "apexholduntil";
    private const string AttemptAtAttribute = "apexattemptat";

    /// <summary>
    /// The message id: derived from the tenant, the receiving app and the delivery's inbox key (the same for every target
    /// of one event), so every attempt of one delivery (and only those) carries it, and a receiver that deduplicates on it,
    /// even across the apps it serves, applies the delivery once.
    /// </summary>
    public static string IdOf(string tenant, string app, Delivery delivery) =>
        "msg_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{tenant}\n{app}\n{delivery.InboxKey}")))[..32];

    /// <summary>
    /// The body for one attempt of <paramref name="delivery"/> to <paramref name="tenant"/>'s app, made at <paramref name="attemptAt"/>;
    /// its <c>traceparent</c> is the attempt's span (<paramref name="traceParent"/>) when given, so the app continues the trace there.
    /// </summary>
    public static byte[] Write(string tenant, Delivery delivery, DateTimeOffset attemptAt, string? traceParent = null)
    {
        // Structured mode through the CloudEvents SDK; the delivery's facts ride as the mesh's own extension attributes.
        var facts = new List<(string, string)> { (TenantAttribute, tenant), (RoleAttribute, delivery.Role.ToString().ToLowerInvariant()) };
        if (delivery.StandsInFor is { } standsInFor)
        {
            facts.Add((StandsInForAttribute, standsInFor));
        }

        if (delivery.HoldUntilApplied is { } cause)
        {
            facts.Add((HoldUntilAttribute, cause));
        }

        facts.Add((AttemptAtAttribute, attemptAt.ToString("O", CultureInfo.InvariantCulture)));
        return MeshCloudEvents.Encode(MeshCloudEvents.ToCloudEvent(delivery.Envelope, facts, traceParent));
    }

    /// <summary>Reads a body <see cref="Write"/> made; a body that is not one fails with a <see cref="PublishRejectedException"/> naming the field.</summary>
    public static WebhookDelivery Read(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 32 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw Refuse("$", $"the body is not valid JSON ({e.Message})");
        }

        using (document)
        {
            var json = document.RootElement;
            var envelope = EnvelopeParser.ParseDelivered(json);
            var tenant = Text(json, TenantAttribute) ?? throw Refuse(TenantAttribute, "is required");
            var role = Text(json, RoleAttribute) switch
            {
                "source" => DeliveryRole.Source,
                "target" => DeliveryRole.Target,
                "fallback" => DeliveryRole.Fallback,
                var other => throw Refuse(RoleAttribute, other is null ? "is required" : $"'{other}' is not source, target or fallback"),
            };
            var standsInFor = Text(json, StandsInForAttribute);
            if ((role == DeliveryRole.Fallback) != (standsInFor is not null))
            {
                throw Refuse(StandsInForAttribute, "is given for a fallback delivery, and only for one");
            }

            if (!DateTimeOffset.TryParse(Text(json, AttemptAtAttribute), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var attemptAt))
            {
                throw Refuse(AttemptAtAttribute, "is required, as an ISO 8601 time");
            }

            return new WebhookDelivery(tenant, new Delivery(envelope, role, Text(json, HoldUntilAttribute), StandsInFor: standsInFor), attemptAt);
        }
    }

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static PublishRejectedException Refuse(string field, string problem) => new(new PublishRejection("invalid_webhook", field, problem));
}

/// <summary>What a webhook body carries: the tenant, the delivery, and when the mesh attempted it on the tenant's clock.</summary>
public sealed record WebhookDelivery(string Tenant, Delivery Delivery, DateTimeOffset AttemptAt);
