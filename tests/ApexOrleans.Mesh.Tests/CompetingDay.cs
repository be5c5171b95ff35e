using System.Globalization;
using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Envelope;
using FsCheck;
using FsCheck.Fluent;

namespace ApexOrleans.Mesh.Tests;

/// <summary>
/// A generated day of events that compete for the same records: invoices, several payments against each, second
/// charges, short payments and refunds sent under an earlier payment's id, in sequence order a second apart.
/// </summary>
internal sealed record CompetingDay(int Number, IReadOnlyList<EventEnvelope> Events)
{
    private static readonly DateTimeOffset Start = MeshSilo.DayStart.AddHours(2);

    /// <summary>The invoices a day may use: id, amount, tax rate and total.</summary>
    private static readonly (string Id, decimal Amount, decimal TaxRate, decimal Total)[] Invoices =
    [
        ("inv-1", 75.00m, 0.08m, 81.00m),
        ("inv-2", 50.00m, 0m, 50.00m),
    ];

    /// <summary>What one money event does.</summary>
    private enum Move { Payment, SecondCharge, ShortPayment, Refund }

    /// <summary>Days of 1 or 2 invoices and 3 to 8 money events, an invoice sometimes published after payments that need it.</summary>
    public static Gen<CompetingDay> Generator =>
        from invoices in Gen.Choose(1, 2)
        from moves in Gen.ListOf(Gen.Zip(Gen.Elements(Move.Payment, Move.SecondCharge, Move.ShortPayment, Move.Refund), Gen.Choose(0, invoices - 1)))
            .Where(m => m.Count is >= 3 and <= 8)
        from invoicePositions in Gen.ArrayOf(Gen.Choose(0, 2), invoices)
        from number in Gen.Choose(1, int.MaxValue)
        select Build(number, invoices, moves, invoicePositions);

    public override string ToString() =>
        string.Join(", ", Events.Select(e => $"#{e.Sequence} {e.Action} {e.DataString("paymentId") ?? e.DataString("invoiceId")} {e.DataDecimal("amount")?.ToString(CultureInfo.InvariantCulture)}"));

    private static CompetingDay Build(int number, int invoiceCount, IReadOnlyList<(Move, int)> moves, int[] invoicePositions)
    {
        var events = new List<JsonObject>();
        var payments = new List<(string PaymentId, int Invoice)>();
        foreach (var (move, invoice) in moves)
        {
            var (invoiceId, _, _, total) = Invoices[invoice];
            var paymentId = move == Move.Refund && payments.Count > 0 ? payments[^1].PaymentId : $"pay-{events.Count + 1}";
            if (move == Move.Refund && payments.Count > 0)
            {
                invoiceId = Invoices[payments[^1].Invoice].Id;
                total = -Invoices[payments[^1].Invoice].Total;
            }
            else
            {
                payments.Add((paymentId, invoice));
            }

            events.Add(Event("payment.received", paymentId, new JsonObject
            {
                ["paymentId"] = paymentId,
                ["invoiceId"] = invoiceId,
                ["amount"] = move == Move.ShortPayment ? total - 1m : total,
                ["method"] = move == Move.Refund ? "refund" : "card",
            }));
        }

        for (var i = 0; i < invoiceCount; i++)
        {
            var (id, amount, taxRate, total) = Invoices[i];
            events.Insert(Math.Min(invoicePositions[i], events.Count), Event("invoice.created", id, new JsonObject
            {
                ["invoiceId"] = id, ["clientId"] = "client-1", ["amount"] = amount, ["currency"] = "USD",
                ["lineItems"] = new JsonArray(new JsonObject { ["description"] = "repair", ["quantity"] = 1, ["unitPrice"] = amount, ["total"] = amount }),
                ["taxRate"] = taxRate, ["totalAmount"] = total,
            }));
        }

        var envelopes = events.Select((e, i) =>
        {
            e["sequence"] = i + 1;
            e["idempotencyKey"] = $"day-{number}/{(i + 1) * 7 % 11:00}-{e["subject"]}"; // unique, and not in sequence order
            e["time"] = Start.AddSeconds(i).ToString("O", CultureInfo.InvariantCulture);
            return EnvelopeParser.Parse(e.ToJsonString());
        }).ToList();
        return new CompetingDay(number, envelopes);
    }

    private static JsonObject Event(string action, string subject, JsonObject payload) => new()
    {
        ["eventType"] = $"flowbills:{action}",
        ["app"] = "flowbills",
        ["target"] = new JsonArray("flowc", "omnihub"),
        ["correlationId"] = "competing-day",
        ["subject"] = subject,
        ["payload"] = payload,
    };
}
