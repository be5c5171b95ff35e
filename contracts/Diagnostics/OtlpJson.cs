using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>
/// Spans as OTLP JSON (the protobuf JSON mapping of <c>ExportTraceServiceRequest</c>: hex ids, nanosecond times as
/// strings, enums as numbers): what trace viewers import and OTLP/HTTP collectors take. Writes and reads it back.
/// </summary>
public static class OtlpJson
{
    /// <summary>The instrumentation scope of the mesh's spans.</summary>
    public const string Scope = "ApexOrleans.Mesh";

    /// <summary>The resource attribute that says whether every silo answered when the spans were gathered.</summary>
    public const string CompleteAttribute = "apex.traces.complete";

    private static readonly long EpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    /// <summary>The spans of <paramref name="service"/> as one OTLP JSON document, with the resource attributes given.</summary>
    public static string Write(IEnumerable<TraceSpan> spans, string service, IReadOnlyList<SpanAttribute> resource, bool indented = false)
    {
        var document = new JsonObject
        {
            ["resourceSpans"] = new JsonArray(new JsonObject
            {
                ["resource"] = new JsonObject { ["attributes"] = Attributes([new SpanAttribute("service.name", service), .. resource]) },
                ["scopeSpans"] = new JsonArray(new JsonObject
                {
                    ["scope"] = new JsonObject { ["name"] = Scope, ["version"] = "1.0" },
                    ["spans"] = new JsonArray([.. spans.Select(Span)]),
                }),
            }),
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = indented });
    }

    /// <summary>Reads every span of an OTLP JSON document, with its resource's attributes; a malformed document throws <see cref="FormatException"/>.</summary>
    public static (IReadOnlyList<TraceSpan> Spans, IReadOnlyList<SpanAttribute> Resource) Read(string json)
    {
        try
        {
            var root = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("the document is empty");
            var spans = new List<TraceSpan>();
            var resource = new List<SpanAttribute>();
            foreach (var resourceSpans in root["resourceSpans"]?.AsArray() ?? [])
            {
                resource.AddRange(ReadAttributes(resourceSpans?["resource"]?["attributes"]));
                foreach (var scopeSpans in resourceSpans?["scopeSpans"]?.AsArray() ?? [])
                {
                    spans.AddRange((scopeSpans?["spans"]?.AsArray() ?? []).Select(s => ReadSpan(s!.AsObject())));
                }
            }

            return (spans, resource);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or NullReferenceException or OverflowException)
        {
            throw new FormatException($"not OTLP JSON: {e.Message}", e);
        }
    }

    private static JsonObject Span(TraceSpan span)
    {
        var node = new JsonObject
        {
            ["traceId"] = span.TraceId,
            ["spanId"] = span.SpanId,
        };
        if (span.ParentSpanId is not null)
        {
            node["parentSpanId"] = span.ParentSpanId;
        }

        node["name"] = span.Name;
        node["kind"] = (int)span.Kind;
        node["startTimeUnixNano"] = Nanos(span.Start);
        node["endTimeUnixNano"] = Nanos(span.End);
        node["attributes"] = Attributes(span.Attributes);
        node["events"] = new JsonArray([.. span.Events.Select(e => new JsonObject
        {
            ["timeUnixNano"] = Nanos(e.At),
            ["name"] = e.Name,
            ["attributes"] = Attributes(e.Attributes),
        })]);
        var status = new JsonObject { ["code"] = (int)span.Status };
        if (span.StatusMessage is not null)
        {
            status["message"] = span.StatusMessage;
        }

        node["status"] = status;
        return node;
    }

    private static JsonArray Attributes(IEnumerable<SpanAttribute> attributes) => new([.. attributes.Select(a => new JsonObject
    {
        ["key"] = a.Key,
        ["value"] = a switch
        {
            { Bool: { } flag } => new JsonObject { ["boolValue"] = flag },
            { Int: { } number } => new JsonObject { ["intValue"] = number.ToString(CultureInfo.InvariantCulture) },
            { Double: { } number } => new JsonObject { ["doubleValue"] = number },
            _ => new JsonObject { ["stringValue"] = a.String ?? "" },
        },
    })]);

    private static TraceSpan ReadSpan(JsonObject span) => new(
        Hex(span, "traceId", 32),
        Hex(span, "spanId", 16),
        span["parentSpanId"]?.GetValue<string>() is { Length: > 0 } parent ? parent : null,
        span["name"]?.GetValue<string>() ?? throw new FormatException("a span has no name"),
        (SpanKindCode)(span["kind"]?.GetValue<int>() ?? 0),
        Time(span["startTimeUnixNano"]),
        Time(span["endTimeUnixNano"]),
        (SpanStatusCode)(span["status"]?["code"]?.GetValue<int>() ?? 0),
        span["status"]?["message"]?.GetValue<string>(),
        ReadAttributes(span["attributes"]),
        [.. (span["events"]?.AsArray() ?? []).Select(e => new SpanEvent(e!["name"]?.GetValue<string>() ?? "", Time(e["timeUnixNano"]), ReadAttributes(e["attributes"])))]);

    private static List<SpanAttribute> ReadAttributes(JsonNode? attributes) =>
        [.. (attributes?.AsArray() ?? []).Select(a =>
        {
            var key = a!["key"]?.GetValue<string>() ?? throw new FormatException("an attribute has no key");
            var value = a["value"]?.AsObject() ?? throw new FormatException($"attribute '{key}' has no value");
            return value switch
            {
                _ when value["boolValue"] is { } flag => new SpanAttribute(key, Bool: flag.GetValue<bool>()),
                _ when value["intValue"] is { } number => new SpanAttribute(key, Int: number.GetValueKind() == JsonValueKind.String
                    ? long.Parse(number.GetValue<string>(), CultureInfo.InvariantCulture) : number.GetValue<long>()),
                _ when value["doubleValue"] is { } number => new SpanAttribute(key, Double: number.GetValue<double>()),
                _ => new SpanAttribute(key, String: value["stringValue"]?.GetValue<string>()),
            };
        })];

    private static string Hex(JsonObject span, string field, int length) =>
        span[field]?.GetValue<string>() is { } hex && hex.Length == length && hex.All(Uri.IsHexDigit)
            ? hex.ToLowerInvariant()
            : throw new FormatException($"a span's {field} is not {length} hex digits");

    private static string Nanos(DateTimeOffset at) => ((at.UtcTicks - EpochTicks) * 100).ToString(CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(JsonNode? nanos)
    {
        var value = nanos is null ? throw new FormatException("a span has no time")
            : nanos.GetValueKind() == JsonValueKind.String ? long.Parse(nanos.GetValue<string>(), CultureInfo.InvariantCulture) : nanos.GetValue<long>();
        return new DateTimeOffset(EpochTicks + value / 100, TimeSpan.Zero);
    }
}
