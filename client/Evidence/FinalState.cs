using System.Text.Json.Nodes;

namespace ApexOrleans.Client.Evidence;

/// <summary>One record of final-state.json: its key, the idempotency key of the event behind it, and its data.</summary>
public sealed record FinalRow(string Key, string Event, JsonObject Data);

/// <summary>
/// final-state.json read back: each app's tables (a fallback's record already shown where its target would have
/// written it), held events, key conflicts and outbox depth. The criteria read the end of a day from here, in a run
/// and in <c>apex verify</c> alike.
/// </summary>
public sealed class FinalState
{
    private readonly Dictionary<string, AppEnd> _apps;

    private FinalState(Dictionary<string, AppEnd> apps) => _apps = apps;

    /// <summary>The apps, by id.</summary>
    public IReadOnlyDictionary<string, AppEnd> Apps => _apps;

    /// <summary>Events still held, over every app.</summary>
    public int Held => _apps.Values.Sum(a => a.Held.Count);

    /// <summary>Published events still waiting in outboxes, over every app.</summary>
    public int InOutboxes => _apps.Values.Sum(a => a.Outbox);

    /// <summary>Key conflicts, over every app.</summary>
    public int Conflicts => _apps.Values.Sum(a => a.Conflicts.Count);

    /// <summary>Reads the canonical JSON of <see cref="Contracts.Apps.TenantStateReader.Canonical"/>.</summary>
    public static FinalState Parse(string json)
    {
        var apps = new Dictionary<string, AppEnd>(StringComparer.Ordinal);
        foreach (var (id, node) in JsonNode.Parse(json)!.AsObject())
        {
            var tables = new Dictionary<string, IReadOnlyList<FinalRow>>(StringComparer.Ordinal);
            foreach (var (table, rows) in node!["tables"]!.AsObject())
            {
                tables[table] = rows!.AsObject().Select(r => new FinalRow(r.Key, r.Value!["event"]!.GetValue<string>(), r.Value["data"] as JsonObject ?? [])).ToList();
            }

            apps[id] = new AppEnd(tables, Strings(node["held"]), Strings(node["conflicts"]), node["outbox"]?.GetValue<int>() ?? 0);
        }

        return new FinalState(apps);
    }

    /// <summary>The rows of <paramref name="app"/>'s <paramref name="table"/> (none for an unknown app or table).</summary>
    public IReadOnlyList<FinalRow> Rows(string app, string table) =>
        _apps.TryGetValue(app, out var end) && end.Tables.TryGetValue(table, out var rows) ? rows : [];

    private static List<string> Strings(JsonNode? array) => array?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
}

/// <summary>One app at the end of the day.</summary>
public sealed record AppEnd(IReadOnlyDictionary<string, IReadOnlyList<FinalRow>> Tables, IReadOnlyList<string> Held, IReadOnlyList<string> Conflicts, int Outbox);
