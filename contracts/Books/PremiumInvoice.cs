using System.Text.Json;
using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Books;

/// <summary>FLOWBills invoices the premium of a new insurance registration, priced from its settings' premiums table.</summary>
public sealed class PremiumInvoice() : EventReaction("flowbills", "careconnect:patient.registered", DeliveryRole.Target, "invoice.created")
{
    /// <inheritdoc />
    public override IEnumerable<ReactionEvent> React(EventEnvelope cause, AppTables tables, AppDefinition app)
    {
        var plan = cause.DataString("insurancePlan");
        if (cause.DataString("registrationId") is not { } registrationId || plan is null
            || !app.Settings.TryGetProperty("premiums", out var premiums) || !premiums.TryGetProperty(plan, out var price)
            || price.ValueKind != JsonValueKind.Number)
        {
            yield break;
        }

        var amount = price.GetDecimal();
        yield return new ReactionEvent("premium-invoice", "invoice.created", new JsonObject
        {
            ["invoiceId"] = $"premium-{registrationId}",
            ["clientId"] = cause.DataString("employeeId"),
            ["amount"] = amount,
            ["currency"] = app.Settings.TryGetProperty("currency", out var c) ? c.GetString() : "USD",
            ["dueDate"] = cause.DataString("effectiveDate"),
            ["lineItems"] = new JsonArray(new JsonObject
            {
                ["description"] = $"Health premium: {plan}",
                ["quantity"] = 1,
                ["unitPrice"] = amount,
                ["total"] = amount,
            }),
            ["taxRate"] = 0m,
            ["totalAmount"] = amount,
        }, $"premium-{registrationId}");
    }
}
