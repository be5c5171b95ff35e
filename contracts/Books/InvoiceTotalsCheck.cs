using System.Text.Json;
using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Books;

/// <summary>FlowC checks every new invoice: line items sum to the amount and amount × (1 + taxRate) = totalAmount; it answers compliance.validated.</summary>
public sealed class InvoiceTotalsCheck() : EventReaction("flowc", "flowbills:invoice.created", DeliveryRole.Target, "compliance.validated")
{
    /// <inheritdoc />
    public override IEnumerable<ReactionEvent> React(EventEnvelope cause, AppTables tables, AppDefinition app)
    {
        var invoiceId = cause.DataString("invoiceId");
        if (invoiceId is null)
        {
            yield break;
        }

        var violations = new JsonArray();
        var amount = cause.DataDecimal("amount");
        var taxRate = cause.DataDecimal("taxRate") ?? 0m;
        var total = cause.DataDecimal("totalAmount");
        if (amount is null || total is null)
        {
            violations.Add("amount and totalAmount are required");
        }
        else
        {
            if (cause.Data.TryGetProperty("lineItems", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                // A total that is no decimal (1e30) or a sum past decimal's range is a violation, never an exception that fails every delivery.
                var totals = items.EnumerateArray().Select(i => i.TryGetProperty("total", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetDecimal(out var d) ? d : (decimal?)null).ToList();
                var sum = totals.All(t => t is not null) ? SumOrNull(totals.Select(t => t!.Value)) : null;
                if (sum is null)
                {
                    violations.Add("line item totals must be numbers within range");
                }
                else if (sum != amount)
                {
                    violations.Add($"line items sum to {sum:0.00}, not the amount {amount:0.00}");
                }
            }

            var expected = Checked(() => Math.Round(amount.Value * (1 + taxRate), 2, MidpointRounding.AwayFromZero));
            if (expected is null)
            {
                violations.Add("amount × (1 + taxRate) is out of range");
            }
            else if (expected != total)
            {
                violations.Add($"amount × (1 + taxRate) is {expected:0.00}, not the totalAmount {total:0.00}");
            }
        }

        yield return new ReactionEvent("totals-check", "compliance.validated", new JsonObject
        {
            ["checkId"] = $"auto-{invoiceId}",
            ["invoiceId"] = invoiceId,
            ["status"] = violations.Count == 0 ? "passed" : "failed",
            ["violations"] = violations,
        }, invoiceId);
    }

    private static decimal? SumOrNull(IEnumerable<decimal> values) => Checked(() => values.Sum());

    /// <summary>Decimal arithmetic throws past ±7.9e28; a payload that gets there is a violation to report, not a failed delivery.</summary>
    private static decimal? Checked(Func<decimal> compute)
    {
        try
        {
            return compute();
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
