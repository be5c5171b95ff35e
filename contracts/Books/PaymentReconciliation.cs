using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Books;

/// <summary>
/// FLOWBills reconciles its own payment with the invoice: the invoice is marked paid only when the amount
/// matches its total and it is not paid yet; otherwise a mismatch goes to FlowC as a compliance violation.
/// </summary>
public sealed class PaymentReconciliation() : EventReaction("flowbills", "flowbills:payment.received", DeliveryRole.Source, "invoice.paid", "payment.mismatched")
{
    /// <inheritdoc />
    public override IEnumerable<ReactionEvent> React(EventEnvelope cause, AppTables tables, AppDefinition app)
    {
        var paymentId = cause.DataString("paymentId");
        var invoiceId = cause.DataString("invoiceId");
        if (paymentId is null || invoiceId is null || tables.Find("invoices", invoiceId) is not { } invoice)
        {
            yield break; // the payment is held until its invoice exists, so this only guards malformed payloads
        }

        var amount = cause.DataDecimal("amount");
        var view = invoice.View();
        // An invoice's total that is no decimal (1e30) matches no payment: a mismatch to report, never an exception that fails the apply.
        var total = view["totalAmount"] is JsonValue value && value.TryGetValue<decimal>(out var number) ? number : (decimal?)null;
        var alreadyPaid = view["status"]?.GetValue<string>() == "paid";
        if (amount is not null && amount == total && !alreadyPaid)
        {
            yield return new ReactionEvent("mark-paid", "invoice.paid", new JsonObject
            {
                ["invoiceId"] = invoiceId,
                ["status"] = "paid",
                ["paidAmount"] = amount,
                ["paymentId"] = paymentId,
            }, invoiceId);
            yield break;
        }

        yield return new ReactionEvent("mismatch", "payment.mismatched", new JsonObject
        {
            ["paymentId"] = paymentId,
            ["invoiceId"] = invoiceId,
            ["expected"] = total,
            ["received"] = amount,
            ["reason"] = alreadyPaid ? "invoice already paid" : "amount does not match the invoice total",
        }, paymentId);
    }
}
