using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApexOrleans.Contracts.Apps;

/// <summary>
/// One row of an app's table: the event's payload, which event wrote it, and the merges applied since.
/// Content is derived from events only (never from arrival time), so the same events give the same rows.
/// </summary>
[GenerateSerializer]
public sealed class AppRecord
{
    /// <summary>The record's key within its table.</summary>
    [Id(0)]
    public string Key { get; set; } = "";

    /// <summary>The event that created the record.</summary>
    [Id(1)]
    public string EventId { get; set; } = "";

    /// <summary>Its type.</summary>
    [Id(2)]
    public string EventType { get; set; } = "";

    /// <summary>Its idempotency key (also the tie-breaker when two events claim one key: <see cref="RecordPrecedence"/>).</summary>
    [Id(3)]
    public string IdempotencyKey { get; set; } = "";

    /// <summary>The business time of the event.</summary>
    [Id(4)]
    public DateTimeOffset? Time { get; set; }

    /// <summary>The payload as created.</summary>
    [Id(5)]
    public JsonElement Data { get; set; }

    /// <summary>Written by a fallback app in place of another: the record that app would have written.</summary>
    [Id(6)]
    public StandIn? StandsIn { get; set; }

    /// <summary>Merges, keyed by the merging event's scoped key (source app and idempotency key), applied in key order.</summary>
    [Id(7)]
    public SortedDictionary<string, JsonElement> Merges { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The payload with every merge applied in key order: the record as a reader sees it.</summary>
    public JsonObject View()
    {
        var view = JsonNode.Parse(Data.GetRawText())?.AsObject() ?? [];
        foreach (var merge in Merges.Values)
        {
            foreach (var field in merge.EnumerateObject())
            {
                view[field.Name] = JsonNode.Parse(field.Value.GetRawText());
            }
        }

        return view;
    }

    /// <summary>A field of the merged view, as a string, or null.</summary>
    public string? Field(string name) => View()[name] switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value => value.ToJsonString(),
        _ => null,
    };
}

/// <summary>The record a fallback wrote stands in for: the target app, its table and its key.</summary>
[GenerateSerializer]
public sealed record StandIn(string App, string Table, string Key);
