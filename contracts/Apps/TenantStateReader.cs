using System.Text.Json;
using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Contracts.Apps;

/// <summary>
/// Reads the data of every app of a tenant back from the grains, and renders it canonically (tables, rows,
/// fields all in ordinal order), so two tenants that ended in the same state render to the same text.
/// </summary>
public sealed class TenantStateReader(IGrainFactory grains, AppCatalog catalog)
{
    /// <summary>Each app's snapshot, by app id.</summary>
    public Task<IReadOnlyDictionary<string, AppSnapshot>> ReadAsync(string tenant) =>
        catalog.ReadEachAsync(app => grains.GetGrain<IAppGrain>(MeshKeys.For(tenant, app)).GetAsync());

    /// <summary>
    /// The business data of a tenant as canonical JSON: every table's rows with the event behind each, held
    /// events, key conflicts and how many published events still wait in each outbox. Times of arrival are left out: only what the events themselves determine.
    /// </summary>
    public async Task<string> CanonicalAsync(string tenant) => Canonical(await ReadAsync(tenant).ConfigureAwait(false));

    /// <summary>
    /// The canonical rendering of snapshots read with <see cref="ReadAsync"/>. A record a fallback wrote in place of
    /// its target is rendered as the target's record, where the target would have written it: the business state of
    /// a day whose deliveries failed over equals the state of the same day without the outage.
    /// </summary>
    public static string Canonical(IReadOnlyDictionary<string, AppSnapshot> apps)
    {
        var rowsByApp = apps.Keys.ToDictionary(id => id, _ => new SortedDictionary<string, SortedDictionary<string, RecordView>>(StringComparer.Ordinal));
        var collisions = apps.Keys.ToDictionary(id => id, _ => new List<string>());
        foreach (var (id, app) in apps)
        {
            foreach (var (table, rows) in app.Tables)
            {
                foreach (var row in rows)
                {
                    var (owner, ownerTable, key) = row.StandsIn is { } standIn && rowsByApp.ContainsKey(standIn.App) ? (standIn.App, standIn.Table, standIn.Key) : (id, table, row.Key);
                    var tableRows = rowsByApp[owner].TryGetValue(ownerTable, out var existing)
                        ? existing
                        : rowsByApp[owner][ownerTable] = new SortedDictionary<string, RecordView>(StringComparer.Ordinal);
                    if (!tableRows.TryGetValue(key, out var other))
                    {
                        tableRows[key] = row;
                    }
                    else if (other.EventId == row.EventId)
                    {
                        // One event recorded at an app and at its fallback: never hidden by the projection, always shown.
                        collisions[owner].Add($"{ownerTable}/{key}: {row.IdempotencyKey} applied at {owner} and at its fallback");
                    }
                    else
                    {
                        // Two events on one key, one of them at the fallback: settled as the app settles it (AppGrain.WriteRecord).
                        var (winner, loser) = RecordPrecedence.Precedes(row.IdempotencyKey, row.EventType, other.IdempotencyKey, other.EventType) ? (row, other) : (other, row);
                        tableRows[key] = winner;
                        collisions[owner].Add($"{ownerTable}/{key}: kept {winner.IdempotencyKey} over {loser.IdempotencyKey}");
                    }
                }
            }
        }

        var root = new JsonObject();
        foreach (var (id, app) in apps.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            var tables = new JsonObject();
            foreach (var (table, rows) in rowsByApp[id])
            {
                var rendered = new JsonObject();
                foreach (var (key, row) in rows)
                {
                    rendered[key] = new JsonObject
                    {
                        ["event"] = row.IdempotencyKey,
                        ["data"] = Sorted(row.Data),
                    };
                }

                tables[table] = rendered;
            }

            root[id] = new JsonObject
            {
                ["tables"] = tables,
                ["held"] = new JsonArray(app.Held.Select(h => (JsonNode)JsonValue.Create(h.IdempotencyKey)).OrderBy(n => n!.GetValue<string>(), StringComparer.Ordinal).ToArray()),
                ["conflicts"] = new JsonArray(app.Conflicts.Concat(collisions[id]).Distinct().Order(StringComparer.Ordinal).Select(c => (JsonNode)JsonValue.Create(c)).ToArray()),
                ["outbox"] = app.OutboxDepth,
            };
        }

        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        JsonValue value => JsonNode.Parse(value.ToJsonString()),
        _ => null,
    };
}
