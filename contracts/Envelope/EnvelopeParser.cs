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

        if (json.TryGetProperty("specversion", out _))
        {
            if (OptionalString(json, "specversion") != "1.0")
            {
                throw Reject("unsupported_specversion", "specversion", "only CloudEvents specversion \"1.0\" is accepted");
            }

            // The SDK reads the CloudEvent (and refuses what CloudEvents does not allow); the mesh's checks follow.
            var cloudEvent = MeshCloudEvents.DecodeStructured(json, DerivedIdOf, out var targetsArray);
            return FromCloudEvent(cloudEvent, targetsArray is { } array ? TargetList(array, "targets") : null, meshKeys);
        }

        var eventType = RequiredString(json, "eventType");
        var typeApp = AppOfType(eventType, "eventType");
        var data = Property(json, "payload") ?? Property(json, "data");
        var targets = Property(json, "target") ?? Property(json, "targets")
            ?? throw Reject("missing_field", "target", "is required: the app or apps the event goes to");
        return Checked(new RawEnvelope(
            eventType, OptionalString(json, "app") ?? OptionalString(json, "sourceApp") ?? typeApp, "app", data, "payload", TargetList(targets, "target"), "target",
            RequiredString(json, "idempotencyKey"), OptionalString(json, "id"), OptionalString(json, "correlationId"), OptionalString(json, "causationId"),
            Time(json), OptionalString(json, "subject"), Sequence(json), OptionalString(json, "traceparent"), OptionalString(json, "tracestate")), meshKeys);
    }

    /// <summary>An envelope's fields as either form gives them, with the names the form uses for them.</summary>
    private sealed record RawEnvelope(
        string EventType, string SourceApp, string SourceField, JsonElement? Data, string DataField, List<string> Targets, string TargetsField,
        string IdempotencyKey, string? Id, string? CorrelationId, string? CausationId, DateTimeOffset? Time, string? Subject, long Sequence,
        string? TraceParent, string? TraceState);

    /// <summary>The mesh's checks, the same for the story form and CloudEvents.</summary>
    private static EventEnvelope Checked(RawEnvelope raw, bool meshKeys)
    {
        var typeApp = AppOfType(raw.EventType, raw.SourceField == "source" ? "type" : "eventType");
        if (raw.SourceApp != typeApp)
        {
            throw Reject("source_mismatch", raw.SourceField, $"the event type belongs to '{typeApp}' but the source app is '{raw.SourceApp}'");
        }

        if (raw.Data is not { ValueKind: JsonValueKind.Object } data)
        {
            throw Reject("invalid_payload", raw.DataField, raw.Data is null ? "is missing" : $"must be a JSON object, not {ConfigJson.Describe(raw.Data.Value.ValueKind)}");
        }

        CheckTargets(raw.Targets, raw.TargetsField, raw.SourceApp);
        CheckId(raw.IdempotencyKey, "idempotencyKey");
        if (!meshKeys && raw.IdempotencyKey.Contains(ReactionKeySeparator))
        {
            throw Reject("invalid_id", "idempotencyKey", $"'{ReactionKeySeparator}' is reserved for the keys of the mesh's own reactions");
        }

        var id = raw.Id ?? DerivedId(raw.SourceApp, raw.IdempotencyKey);
        CheckId(id, "id");
        var correlationId = raw.CorrelationId ?? id;
        CheckId(correlationId, "correlationId");
        if (raw.CausationId is not null)
        {
            CheckId(raw.CausationId, "causationId");
        }

        if (raw.Sequence is < 0 or > int.MaxValue)
        {
            throw Reject("invalid_sequence", "sequence", $"must be a whole number from 0 to {int.MaxValue}");
        }

        if (raw.Subject is not null && !IsAttributeText(raw.Subject))
        {
            throw Reject("invalid_field", "subject", "holds a control character or a noncharacter, which CloudEvents does not allow");
        }

        CheckTraceContext(raw.TraceParent, raw.TraceState);
        return new EventEnvelope
        {
            Id = id,
            EventType = raw.EventType,
            SourceApp = raw.SourceApp,
            Targets = raw.Targets,
            Time = raw.Time,
            Subject = raw.Subject,
            Data = data.Clone(),
            CorrelationId = correlationId,
            CausationId = raw.CausationId,
            IdempotencyKey = raw.IdempotencyKey,
            Sequence = raw.Sequence,
            TraceParent = raw.TraceParent,
            TraceState = raw.TraceState,
        };
    }

    private static string AppOfType(string eventType, string field) => TrySplitEventType(eventType, out var app, out _)
        ? app
        : throw Reject("invalid_event_type", field, $"'{eventType}' is not of the form app:entity.action (lower case, e.g. flowbills:invoice.created)");

    /// <summary>The Distributed Tracing extension's <c>traceparent</c> and <c>tracestate</c>, checked as W3C Trace Context.</summary>
    private static void CheckTraceContext(string? traceParent, string? traceState)
    {
        if (traceParent is null)
        {
            if (traceState is not null)
            {
                throw Reject("invalid_field", "tracestate", "comes only with a traceparent");
            }

            return;
        }

        if (traceParent.Length != 55 || !System.Diagnostics.ActivityContext.TryParse(traceParent, null, out _))
        {
            throw Reject("invalid_traceparent", "traceparent", $"'{Shorten(traceParent)}' is not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)");
        }

        if (traceState is { Length: > 512 } || (traceState is not null && !IsAttributeText(traceState)))
        {
            throw Reject("invalid_field", "tracestate", "must be at most 512 characters without control characters");
        }
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    /// <summary>The id given to an envelope published without one: stable for the same app and idempotency key.</summary>
    public static string DerivedId(string sourceApp, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{sourceApp}\n{idempotencyKey}"));
        return $"evt-{Convert.ToHexStringLower(hash)[..24]}";
    }

    private static List<string> TargetList(JsonElement element, string field) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String
            ? t.GetString()!
            : throw Reject("invalid_target", field, $"every target is an app id string, not {ConfigJson.Describe(t.ValueKind)}")).ToList(),
        _ => throw Reject("invalid_target", field, $"must be an app id or an array of app ids, not {ConfigJson.Describe(element.ValueKind)}"),
    };

    private static void CheckTargets(List<string> targets, string field, string sourceApp)
    {
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
    }

    private static string SourceFromUri(string source)
    {
        const string prefix = "/apps/";
        return source.StartsWith(prefix, StringComparison.Ordinal) && IsAppId(source[prefix.Length..])
            ? source[prefix.Length..]
            : throw Reject("invalid_source", "source", $"'{Shorten(source)}' is not of the form /apps/<app id>");
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
            : throw Reject("invalid_sequence", "sequence", $"must be a whole number from 0 to {int.MaxValue}");
    }

    private static void CheckId(string value, string field)
    {
        if (value.Length is 0 or > MaxIdLength || !IsAttributeText(value))
        {
            throw Reject("invalid_id", field, $"must be 1 to {MaxIdLength} characters without control characters or noncharacters");
        }
    }

    /// <summary>
    /// Whether <paramref name="value"/> may be a CloudEvents string attribute: no control character, no noncharacter
    /// (U+FDD0–U+FDEF, U+FFFE, U+FFFF and their planes' twins), surrogates only in pairs. What the mesh accepts, its webhooks
    /// can then carry.
    /// </summary>
    private static bool IsAttributeText(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) || c is >= '\uFDD0' and <= '\uFDEF' || c is '\uFFFE' or '\uFFFF')
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]) || (char.ConvertToUtf32(c, value[i + 1]) & 0xFFFE) == 0xFFFE)
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
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
