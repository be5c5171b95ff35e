using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Books;

/// <summary>FLOWBills prepares a purchase-order draft for an inventory alert.</summary>
public sealed class PurchaseOrderDraft() : EventReaction("flowbills", "omnihub:alert.created", DeliveryRole.Target, "purchase_order.drafted")
{
    /// <inheritdoc />
    public override IEnumerable<ReactionEvent> React(EventEnvelope cause, AppTables tables, AppDefinition app)
    {
        if (cause.DataString("alertId") is not { } alertId || cause.DataString("type") != "inventory")
        {
            yield break;
        }

        yield return new ReactionEvent("purchase-order", "purchase_order.drafted", new JsonObject
        {
            ["purchaseOrderId"] = $"po-{alertId}",
            ["alertId"] = alertId,
            ["status"] = "draft",
            ["reason"] = cause.DataString("message") ?? "",
        }, $"po-{alertId}");
    }
}
