using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Books;

namespace ApexOrleans.Mesh.Tests.Apps;

/// <summary>An app's books without a silo: the ledger's rules over a state in memory, with the real catalog.</summary>
public sealed class AppLedgerTests
{
    private static readonly AppCatalog Catalog = AppCatalog.Load(AppCatalog.DefaultPath);
    private static readonly DateTimeOffset Morning = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ADeliveryReceivedTwiceIsAppliedOnceAndTheRepeatIsCounted()
    {
        var (ledger, books) = Books("flowbills");
        var invoice = Invoice("inv-1", "key-inv-1", 120m);

        var first = ledger.Receive(books, invoice, Morning);
        var second = ledger.Receive(books, invoice, Morning.AddMinutes(1));

        Assert.Equal(ApplyStatus.Applied, first.Status);
        Assert.Equal(ApplyStatus.Duplicate, second.Status);
        Assert.Same(first.Receipt, second.Receipt);
        Assert.Equal(1, second.Receipt!.DuplicatesRefused);
        Assert.Single(books.Tables["invoices"]);
        Assert.Single(books.Outbox); // fanned out once
        Assert.Equal(["invoices/inv-1"], first.Receipt!.Effects);
    }

    [Fact]
    public void APaymentBeforeItsInvoiceWaitsAndIsAppliedWhenTheInvoiceArrives()
    {
        var (ledger, books) = Books("flowbills");

        var payment = ledger.Receive(books, Payment("pay-1", "inv-1"), Morning);
        Assert.Equal(ApplyStatus.Held, payment.Status);
        Assert.Equal(["invoices/inv-1"], payment.WaitingFor);
        Assert.Equal(ApplyStatus.Held, ledger.Receive(books, Payment("pay-1", "inv-1"), Morning.AddMinutes(1)).Status);

        var invoice = ledger.Receive(books, Invoice("inv-1", "key-inv-1", 81m), Morning.AddMinutes(5));

        Assert.Equal(ApplyStatus.Applied, invoice.Status);
        Assert.Empty(books.Held);
        Assert.Contains("pay-1", books.Tables["payments"].Keys);
        var released = Assert.Single(AppLedger.Receipts(books), r => r.IdempotencyKey == "key-pay-1");
        Assert.Equal(Morning, released.HeldSince);
        Assert.Equal(1, released.DuplicatesRefused); // the repeat that arrived while it waited
    }

    [Fact]
    public void TwoEventsClaimingOneRecordLeaveTheSameWinnerInEitherOrder()
    {
        var (ledger, forwards) = Books("flowbills");
        var (_, backwards) = Books("flowbills");
        var a = Invoice("inv-7", "key-a", 10m);
        var b = Invoice("inv-7", "key-b", 20m);

        ledger.Receive(forwards, a, Morning);
        ledger.Receive(forwards, b, Morning);
        ledger.Receive(backwards, b, Morning);
        ledger.Receive(backwards, a, Morning);

        Assert.Equal(forwards.Tables["invoices"]["inv-7"].IdempotencyKey, backwards.Tables["invoices"]["inv-7"].IdempotencyKey);
        Assert.Equal(forwards.Conflicts, backwards.Conflicts);
        Assert.Single(forwards.Conflicts);
    }

    [Fact]
    public void ASnapshotMarksADeliveryHeldPastTheTimeoutAsOverdue()
    {
        var (ledger, books) = Books("flowbills");
        ledger.Receive(books, Payment("pay-2", "inv-2"), Morning);

        var early = ledger.Snapshot(books, "t1", Morning.AddMinutes(1), TimeSpan.FromMinutes(10));
        var late = ledger.Snapshot(books, "t1", Morning.AddMinutes(11), TimeSpan.FromMinutes(10));

        Assert.False(Assert.Single(early.Held).Overdue);
        Assert.True(Assert.Single(late.Held).Overdue);
        Assert.Equal(("t1", "flowbills", 0), (late.Tenant, late.App, late.AppliedCount));
    }

    private static (AppLedger Ledger, AppState Books) Books(string app) =>
        (new AppLedger(Catalog.Find(app)!, Catalog, new ReactionCatalog(Catalog, ReactionCatalog.BuiltIn)), new AppState());

    private static Delivery Invoice(string invoiceId, string key, decimal amount) => Published("flowbills:invoice.created", key,
        new JsonObject { ["invoiceId"] = invoiceId, ["amount"] = amount, ["customer"] = "Sarah's Salon" });

    private static Delivery Payment(string paymentId, string invoiceId) => Published("flowbills:payment.received", $"key-{paymentId}",
        new JsonObject { ["paymentId"] = paymentId, ["invoiceId"] = invoiceId, ["amount"] = 81m });

    private static Delivery Published(string eventType, string key, JsonObject payload) => new(EnvelopeParser.Parse(new JsonObject
    {
        ["eventType"] = eventType, ["app"] = "flowbills", ["target"] = new JsonArray("omnihub", "flowc"),
        ["idempotencyKey"] = key, ["sequence"] = 1, ["payload"] = payload,
    }.ToJsonString()), DeliveryRole.Source);
}
