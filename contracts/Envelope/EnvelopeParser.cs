using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ApexOrleans.Contracts.Configuration;

namespace ApexOrleans.Contracts.Envelope;

/// <summary>
/// Reads an envelope from JSON, in the story's form (<c>eventType</c>, <c>app</c>, <c>target</c>, <c>payload</c>)
/// or as a structured CloudEvent (<c>specversion</c>, <c>type</c>, <c>source</c>, <c>data</c> and the mesh's
/// extension attributes). Every refusal names the field and the problem.
/// </summary>
public static partial class EnvelopeParser
{
    /// <summary>Longest accepted idempotency key, correlation id or event id.</summary>
    public const int MaxIdLength = 200;

    /// <summary>Joins a cause's key to a reaction's name; reserved, so no published key can equal a reaction's key.</summary>
    public const char ReactionKeySeparator = '>';

    [GeneratedRegex("\\A(?<app>[a-z][a-z0-9]{1,39}):(?<action>[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+)\\z")]
    private static partial Regex EventTypePattern();

    [GeneratedRegex("\\A[a-z][a-z0-9]{1,39}\\z")]
    private static partial Regex AppIdPattern();

    /// <summary>True when <paramref name="appId"/> is a well-formed app id.</summary>
    public static bool IsAppId(string appId) => AppIdPattern().IsMatch(appId);

    /// <summary>Splits a well-formed event type into app and action, or returns false.</summary>
    public static bool TrySplitEventType(string eventType, out string app, out string action)
    {
        var match = EventTypePattern().Match(eventType);
        app = match.Success ? match.Groups["app"].Value : "";
        action = match.Success ? match.Groups["action"].Value : "";
        return match.Success;
    }

    /// <summary>Parses UTF-8 JSON text.</summary>
    public static EventEnvelope Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw Reject("malformed_json", "$", $"the body is not valid JSON ({e.Message})");
        }

        using (document)
        {
            return Parse(document.RootElement);
        }
    }

    /// <summary>Parses a JSON element; the result owns a copy of the payload.</summary>
    public static EventEnvelope Parse(JsonElement json) => Parse(json, meshKeys: false);

    /// <summary>
    /// Parses an event the mesh itself delivered (a signed webhook's body): as <see cref="Parse(JsonElement)"/>, but the keys
    /// of the mesh's own reactions, which no publisher may use, are accepted.
    /// </summary>
    public static EventEnvelope ParseDelivered(JsonElement json) => Parse(json, meshKeys: true);

    private static EventEnvelope Parse(JsonElement json, bool meshKeys)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw Reject("malformed_envelope", "$", $"an envelope is a JSON object, not {ConfigJson.Describe(json.ValueKind)}");
        }

        var cloudEvent = json.TryGetProperty("specversion", out _);
        if (cloudEvent && OptionalString(json, "specversion") != "1.0")
        {
            throw Reject("unsupported_specversion", "specversion", "only CloudEvents specversion \"1.0\" is accepted");
        }

        var eventType = RequiredString(json, cloudEvent ? "type" : "eventType");
        if (!TrySplitEventType(eventType, out var typeApp, out _))
        {
            throw Reject("invalid_event_type", cloudEvent ? "type" : "eventType",
                $"'{eventType}' is not of the form app:entity.action (lower case, e.g. flowbills:invoice.created)");
        }

        var sourceApp = cloudEvent ? SourceFromUri(json) : OptionalString(json, "app") ?? OptionalString(json, "sourceApp") ?? typeApp;
        if (sourceApp != typeApp)
        {
            throw Reject("source_mismatch", cloudEvent ? "source" : "app",
                $"the event type belongs to '{typeApp}' but the source app is '{sourceApp}'");
        }

        var data = cloudEvent ? Property(json, "data") : Property(json, "payload") ?? Property(json, "data");
        if (data is not { ValueKind: JsonValueKind.Object })
        {
            throw Reject("invalid_payload", cloudEvent ? "data" : "payload",
                data is null ? "is missing" : $"must be a JSON object, not {ConfigJson.Describe(data.Value.ValueKind)}");
        }

        var targets = Targets(json, cloudEvent ? "targets" : "target", sourceApp);
        var idempotencyKey = RequiredString(json, cloudEvent ? "idempotencykey" : "idempotencyKey");
        CheckId(idempotencyKey, "idempotencyKey");
        if (!meshKeys && idempotencyKey.Contains(ReactionKeySeparator))
        {
            throw Reject("invalid_id", "idempotencyKey", $"'{ReactionKeySeparator}' is reserved for the keys of the mesh's own reactions");
        }
        var id = OptionalString(json, "id") ?? DerivedId(sourceApp, idempotencyKey);
        CheckId(id, "id");
        var correlationId = OptionalString(json, cloudEvent ? "correlationid" : "correlationId") ?? id;
        CheckId(correlationId, "correlationId");
        var causationId = OptionalString(json, cloudEvent ? "causationid" : "causationId");
        if (causationId is not null)
        {
            CheckId(causationId, "causationId");
        }

        return new EventEnvelope
        {
            Id = id,
            EventType = eventType,
            SourceApp = sourceApp,
            Targets = targets,
            Time = Time(json),
            Subject = OptionalString(json, "subject"),
            Data = data.Value.Clone(),
            CorrelationId = correlationId,
            CausationId = causationId,
            IdempotencyKey = idempotencyKey,
            Sequence = Sequence(json),
            TraceParent = TraceParent(json, out var traceState),
            TraceState = traceState,
        };
    }

    /// <summary>The Distributed Tracing extension's <c>traceparent</c> and <c>tracestate</c>, checked as W3C Trace Context.</summary>
    private static string? TraceParent(JsonElement json, out string? traceState)
    {
        var traceParent = OptionalString(json, "traceparent");
        traceState = OptionalString(json, "tracestate");
        if (traceParent is null)
        {
            return traceState is null ? null : throw Reject("invalid_field", "tracestate", "comes only with a traceparent");
        }

        if (traceParent.Length != 55 || !System.Diagnostics.ActivityContext.TryParse(traceParent, null, out _))
        {
            throw Reject("invalid_traceparent", "traceparent", $"'{Shorten(traceParent)}' is not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)");
        }

        if (traceState is { Length: > 512 } || (traceState is not null && traceState.Any(char.IsControl)))
        {
            throw Reject("invalid_field", "tracestate", "must be at most 512 characters without control characters");
        }

        return traceParent;
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    /// <summary>The id given to an envelope published without one: stable for the same app and idempotency key.</summary>
    public static string DerivedId(string sourceApp, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{sourceApp}\n{idempotencyKey}"));
        return $"evt-{Convert.ToHexStringLower(hash)[..24]}";
    }

    private static IReadOnlyList<string> Targets(JsonElement json, string field, string sourceApp)
    {
        var element = Property(json, field) ?? Property(json, field == "target" ? "targets" : "target");
        if (element is null)
        {
            throw Reject("missing_field", field, "is required: the app or apps the event goes to");
        }

        List<string> targets = element.Value.ValueKind switch
        {
            JsonValueKind.String => [element.Value.GetString()!],
            JsonValueKind.Array => element.Value.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String
                ? t.GetString()!
                : throw Reject("invalid_target", field, $"every target is an app id string, not {ConfigJson.Describe(t.ValueKind)}")).ToList(),
            _ => throw Reject("invalid_target", field, $"must be an app id or an array of app ids, not {ConfigJson.Describe(element.Value.ValueKind)}"),
        };
        if (targets.Count == 0)
        {
            throw Reject("invalid_target", field, "names no app; an event goes to at least one target");
        }

        foreach (var target in targets)
        {
            if (!IsAppId(target))
            {
                throw Reject("invalid_target", field, $"'{target}' is not an app id (lower case letters and digits)");
            }

            if (target == sourceApp)
            {
                throw Reject("invalid_target", field, $"'{target}' is the source app; an app does not deliver to itself");
            }
        }

        if (targets.Distinct().Count() != targets.Count)
        {
            throw Reject("invalid_target", field, "names the same app twice");
        }

        return targets;
    }

    private static string SourceFromUri(JsonElement json)
    {
        var source = RequiredString(json, "source");
        const string prefix = "/apps/";
        return source.StartsWith(prefix, StringComparison.Ordinal) && IsAppId(source[prefix.Length..])
            ? source[prefix.Length..]
            : throw Reject("invalid_source", "source", $"'{source}' is not of the form /apps/<app id>");
    }

    private static DateTimeOffset? Time(JsonElement json)
    {
        var text = OptionalString(json, "time");
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.RoundtripKind, out var time) && text.Contains('T')
            ? time
            : throw Reject("invalid_time", "time", $"'{text}' is not an RFC 3339 timestamp");
    }

    private static long Sequence(JsonElement json)
    {
        var element = Property(json, "sequence");
        if (element is null)
        {
            return 0;
        }

        return element.Value.ValueKind == JsonValueKind.Number && element.Value.TryGetInt64(out var sequence) && sequence >= 0
            ? sequence
            : throw Reject("invalid_sequence", "sequence", "must be a whole number ≥ 0");
    }

    private static void CheckId(string value, string field)
    {
        if (value.Length is 0 or > MaxIdLength || value.Any(char.IsControl))
        {
            throw Reject("invalid_id", field, $"must be 1 to {MaxIdLength} characters without control characters");
        }
    }

    private static string RequiredString(JsonElement json, string field) =>
        OptionalString(json, field) ?? throw Reject("missing_field", field, "is required");

    private static string? OptionalString(JsonElement json, string field)
    {
        var element = Property(json, field);
        return element switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.String } => element.Value.GetString() is { Length: > 0 } text
                ? text
                : throw Reject("invalid_field", field, "must not be empty"),
            _ => throw Reject("invalid_field", field, $"must be a string, not {ConfigJson.Describe(element.Value.ValueKind)}"),
        };
    }

    private static JsonElement? Property(JsonElement json, string field) =>
        json.TryGetProperty(field, out var value) ? value : null;

    private static PublishRejectedException Reject(string code, string field, string reason) =>
        new(new PublishRejection(code, field, reason));
}
