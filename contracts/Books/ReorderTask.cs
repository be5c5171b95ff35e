using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Books;

/// <summary>aSpiral turns an inventory alert into a reorder task.</summary>
public sealed class ReorderTask() : EventReaction("aspiral", "omnihub:alert.created", DeliveryRole.Target, "task.created")
{
    /// <inheritdoc />
    public override IEnumerable<ReactionEvent> React(EventEnvelope cause, AppTables tables, AppDefinition app)
    {
        if (cause.DataString("alertId") is not { } alertId || cause.DataString("type") != "inventory")
        {
            yield break;
        }

        yield return new ReactionEvent("reorder-task", "task.created", new JsonObject
        {
            ["taskId"] = $"reorder-{alertId}",
            ["title"] = $"Reorder: {cause.DataString("message") ?? alertId}",
            ["status"] = "pending",
            ["metadata"] = new JsonObject { ["alertId"] = alertId, ["priority"] = cause.DataString("severity") ?? "medium" },
        }, $"reorder-{alertId}");
    }
}
