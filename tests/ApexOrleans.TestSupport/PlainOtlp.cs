using System.Text.Json;

namespace ApexOrleans.TestSupport;

/// <summary>OTLP JSON read with nothing but a JSON parser, as any trace viewer would: not with the project's own reader.</summary>
public static class PlainOtlp
{
    /// <summary>Spans read from OTLP JSON with nothing but a JSON parser, as any trace viewer would.</summary>
    public static List<PlainSpan> Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("resourceSpans").EnumerateArray()
            .SelectMany(r => r.GetProperty("scopeSpans").EnumerateArray())
            .SelectMany(s => s.GetProperty("spans").EnumerateArray())
            .Select(s => new PlainSpan(
                s.GetProperty("traceId").GetString()!, s.GetProperty("spanId").GetString()!,
                s.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() : null, s.GetProperty("name").GetString()!,
                DateTimeOffset.UnixEpoch.AddTicks(long.Parse(s.GetProperty("startTimeUnixNano").GetString()!) / 100),
                s.GetProperty("attributes").EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => Value(a.GetProperty("value"))),
                s.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToList()))
            .ToList();
    }

    private static string Value(JsonElement value)
    {
        var property = value.EnumerateObject().Single();
        return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
    }
}

/// <summary>A span as plain OTLP JSON has it: ids, parent, name, start, attributes (values as text) and event names.</summary>
public sealed record PlainSpan(string TraceId, string SpanId, string? Parent, string Name, DateTimeOffset Start, Dictionary<string, string> Attributes, List<string> Events);
