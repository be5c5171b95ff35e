using System.Globalization;
using System.Net.Mime;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace ApexOrleans.Contracts.Envelope;

/// <summary>
/// The mesh's CloudEvents through the CNCF SDK (<c>CloudNative.CloudEvents</c>): its extension attributes, typed; an
/// envelope as a <see cref="CloudEvent"/> and back; structured and binary HTTP modes. The SDK checks what CloudEvents
/// requires (attribute names and types, required attributes, timestamps); <see cref="EnvelopeParser"/> then checks what the
/// mesh requires, and every refusal names its field.
/// </summary>
public static partial class MeshCloudEvents
{
    /// <summary>The apps the event goes to, comma-separated (an attribute's value is a string; a JSON array is read too).</summary>
    public static readonly CloudEventAttribute Targets = CloudEventAttribute.CreateExtension("targets", CloudEventAttributeType.String);

    /// <summary>The business flow the event belongs to.</summary>
    public static readonly CloudEventAttribute CorrelationId = CloudEventAttribute.CreateExtension("correlationid", CloudEventAttributeType.String);

    /// <summary>The event that caused this one.</summary>
    public static readonly CloudEventAttribute CausationId = CloudEventAttribute.CreateExtension("causationid", CloudEventAttributeType.String);

    /// <summary>The key that makes publishing and delivering the event idempotent.</summary>
    public static readonly CloudEventAttribute IdempotencyKey = CloudEventAttribute.CreateExtension("idempotencykey", CloudEventAttributeType.String);

    /// <summary>The event's position in its scenario or stream.</summary>
    public static readonly CloudEventAttribute Sequence = CloudEventAttribute.CreateExtension("sequence", CloudEventAttributeType.Integer);

    /// <summary>The Distributed Tracing extension's W3C <c>traceparent</c>.</summary>
    public static readonly CloudEventAttribute TraceParent = CloudEventAttribute.CreateExtension("traceparent", CloudEventAttributeType.String);

    /// <summary>The Distributed Tracing extension's W3C <c>tracestate</c>.</summary>
    public static readonly CloudEventAttribute TraceState = CloudEventAttribute.CreateExtension("tracestate", CloudEventAttributeType.String);

    /// <summary>The structured mode's media type.</summary>
    public const string StructuredMediaType = "application/cloudevents+json";

    /// <summary>The binary mode's header prefix (<c>ce-id</c>, <c>ce-type</c>, …).</summary>
    public const string HeaderPrefix = "ce-";

    // The same depth the mesh reads any body at: data deeper than that is refused in binary mode too.
    private static readonly JsonEventFormatter Formatter = new(null, new JsonDocumentOptions { MaxDepth = 32 });

    /// <summary>Every extension attribute the mesh reads, with its type.</summary>
    public static readonly IReadOnlyList<CloudEventAttribute> MeshAttributes = [Targets, CorrelationId, CausationId, IdempotencyKey, Sequence, TraceParent, TraceState];

    /// <summary>
    /// <paramref name="envelope"/> as a CloudEvent, with <paramref name="extensions"/> (the caller's own attributes, such as a
    /// webhook's delivery facts) and the traceparent <paramref name="traceParent"/> in place of the envelope's when given.
    /// </summary>
    public static CloudEvent ToCloudEvent(EventEnvelope envelope, IEnumerable<(string Name, string Value)>? extensions = null, string? traceParent = null)
    {
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0, MeshAttributes)
        {
            Id = envelope.Id,
            Source = new Uri(envelope.CloudEventSource, UriKind.Relative),
            Type = envelope.EventType,
            Time = envelope.Time,
            Subject = envelope.Subject,
            DataContentType = MediaTypeNames.Application.Json,
            Data = envelope.Data,
        };
        cloudEvent[Targets] = string.Join(",", envelope.Targets);
        cloudEvent[CorrelationId] = envelope.CorrelationId;
        cloudEvent[CausationId] = envelope.CausationId;
        cloudEvent[IdempotencyKey] = envelope.IdempotencyKey;
        cloudEvent[Sequence] = checked((int)envelope.Sequence);
        cloudEvent[TraceParent] = traceParent ?? envelope.TraceParent;
        cloudEvent[TraceState] = traceParent is null ? envelope.TraceState : null;
        foreach (var (name, value) in extensions ?? [])
        {
            cloudEvent[name] = value;
        }

        return cloudEvent.Validate();
    }

    /// <summary>The structured mode's body (<see cref="StructuredMediaType"/>) of <paramref name="cloudEvent"/>.</summary>
    public static byte[] Encode(CloudEvent cloudEvent) => Formatter.EncodeStructuredModeMessage(cloudEvent, out _).ToArray();

    /// <summary>The envelope as a structured-mode body, as a publisher sends it.</summary>
    public static byte[] Encode(EventEnvelope envelope) => Encode(ToCloudEvent(envelope));

    /// <summary>The binary mode: the body (the event's data) and the <c>ce-*</c> headers, as a publisher sends them.</summary>
    public static (byte[] Body, IReadOnlyList<(string Name, string Value)> Headers) EncodeBinary(EventEnvelope envelope)
    {
        var cloudEvent = ToCloudEvent(envelope);
        var headers = new List<(string, string)> { (HeaderPrefix + "specversion", cloudEvent.SpecVersion.VersionId) };
        foreach (var (attribute, value) in cloudEvent.GetPopulatedAttributes().Where(a => a.Key != cloudEvent.SpecVersion.DataContentTypeAttribute))
        {
            headers.Add((HeaderPrefix + attribute.Name, CloudNative.CloudEvents.Http.HttpUtilities.EncodeHeaderValue(attribute.Format(value))));
        }

        return (Formatter.EncodeBinaryModeEventData(cloudEvent).ToArray(), headers);
    }

    /// <summary>
    /// Reads a structured-mode CloudEvent from JSON through the SDK. The mesh's own forms are read too: <c>targets</c> as a JSON
    /// array, and no <c>id</c> (then <paramref name="derivedId"/> gives it). What the SDK refuses is a <see cref="PublishRejectedException"/> naming the attribute.
    /// </summary>
    internal static CloudEvent DecodeStructured(JsonElement json, Func<JsonElement, string?> derivedId, out JsonElement? targetsArray)
    {
        targetsArray = json.TryGetProperty(Targets.Name, out var targets) && targets.ValueKind == JsonValueKind.Array ? targets : null;
        var missingId = !json.TryGetProperty("id", out _);
        var array = targetsArray;
        return Refusing(() =>
        {
            if (array is not null || missingId)
            {
                // An attribute's value is a string, number or boolean: the array is read beside the SDK, which gets the rest.
                // (A member given twice refuses the copy: an ArgumentException, a 400 like any other.)
                var copy = JsonObject.Create(json)!.DeepClone().AsObject();
                copy.Remove(Targets.Name);
                if (missingId && derivedId(json) is { } id)
                {
                    copy["id"] = id;
                }

                json = JsonSerializer.SerializeToElement(copy);
            }

            return Formatter.ConvertFromJsonElement(json, MeshAttributes);
        });
    }

    /// <summary>
    /// Reads a binary-mode CloudEvent: its attributes from the <c>ce-*</c> <paramref name="headers"/>, its data from
    /// <paramref name="body"/> as <paramref name="contentType"/> says. What the SDK refuses names the attribute.
    /// </summary>
    public static CloudEvent DecodeBinary(IEnumerable<KeyValuePair<string, string>> headers, string? contentType, ReadOnlyMemory<byte> body) => Refusing(() =>
    {
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0, MeshAttributes) { DataContentType = contentType };
        foreach (var (name, value) in headers)
        {
            if (!name.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var attribute = name[HeaderPrefix.Length..].ToLowerInvariant();
            if (attribute == CloudEventsSpecVersion.SpecVersionAttribute.Name)
            {
                if (value != CloudEventsSpecVersion.V1_0.VersionId)
                {
                    throw new PublishRejectedException(new PublishRejection("unsupported_specversion", "ce-specversion", "only CloudEvents specversion \"1.0\" is accepted"));
                }

                continue;
            }

            var text = CloudNative.CloudEvents.Http.HttpUtilities.DecodeHeaderValue(value);
            if (text.Any(char.IsControl))
            {
                throw new PublishRejectedException(new PublishRejection("invalid_field", name.ToLowerInvariant(), "is not valid text or holds a control character"));
            }

            cloudEvent.SetAttributeFromString(attribute, text);
        }

        Formatter.DecodeBinaryModeEventData(body, cloudEvent);
        return cloudEvent.Validate();
    });

    /// <summary>
    /// Whether a request is a binary-mode CloudEvent: a <c>ce-specversion</c> header, and a body that is the event's data, not a
    /// structured CloudEvent (<see cref="StructuredMediaType"/>).
    /// </summary>
    public static bool IsBinary(IEnumerable<string> headers, string? contentType) =>
        headers.Any(h => string.Equals(h, HeaderPrefix + "specversion", StringComparison.OrdinalIgnoreCase))
        && !(contentType ?? "").StartsWith(StructuredMediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The value of a mesh attribute as text, or null.</summary>
    internal static string? Text(CloudEvent cloudEvent, CloudEventAttribute attribute) => cloudEvent[attribute] switch
    {
        null => null,
        string text => text,
        var value => attribute.Format(value),
    };

    private static CloudEvent Refusing(Func<CloudEvent> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or JsonException or OverflowException)
        {
            var field = AttributeNamed().Match(e.Message) is { Success: true } match ? match.Groups["name"].Value : "$";
            var reason = e.Message.Split(" (Parameter", 2)[0];
            throw new PublishRejectedException(new PublishRejection("invalid_cloudevent", field, reason.Length > 300 ? reason[..300] + "…" : reason));
        }
    }

    [GeneratedRegex("attribute (name )?'(?<name>[^']{1,64})'")]
    private static partial Regex AttributeNamed();

    /// <summary>An integer attribute's value as a whole number (the SDK types <see cref="Sequence"/> as a 32-bit integer).</summary>
    internal static long? Number(CloudEvent cloudEvent, CloudEventAttribute attribute) =>
        cloudEvent[attribute] is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
}
