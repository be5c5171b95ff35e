using System.Text.Json.Nodes;

namespace ApexOrleans.Contracts.Apps;

/// <summary>An app's data as read back from its grain.</summary>
[GenerateSerializer]
public sealed record AppSnapshot(
    string Tenant,
    string App,
    IReadOnlyDictionary<string, IReadOnlyList<RecordView>> Tables,
    int AppliedCount,
    IReadOnlyList<HeldView> Held,
    int OutboxDepth,
    IReadOnlyList<string> Conflicts)
{
    /// <summary>The rows of <paramref name="table"/> (empty if it has none).</summary>
    public IReadOnlyList<RecordView> Rows(string table) => Tables.TryGetValue(table, out var rows) ? rows : [];
}

/// <summary>One record as a reader sees it: key, the event behind it, the merged fields, and whose record it stands in for.</summary>
[GenerateSerializer]
public sealed record RecordView(string Key, string EventId, string EventType, string IdempotencyKey, JsonObject Data, StandIn? StandsIn = null);

/// <summary>A held event: what it waits for and whether it has waited longer than the hold timeout.</summary>
[GenerateSerializer]
public sealed record HeldView(string EventId, string EventType, string IdempotencyKey, DateTimeOffset HeldSince, bool Overdue, IReadOnlyList<string> WaitingFor);
