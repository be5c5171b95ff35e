using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Grains.Deliveries;

namespace ApexOrleans.Mesh.Tests;

/// <summary>The order rule of a queue: of the deliveries competing for one record, only the first in sequence may be attempted.</summary>
public sealed class CompetingDeliveriesTests
{
    private static readonly CompetingDeliveries FlowBills = new(AppCatalog.Load(AppCatalog.DefaultPath).Find("flowbills"));

    [Fact]
    public void ALaterPaymentOfTheSameInvoiceWaitsBehindTheEarlierOneWhateverTheEnqueueOrder()
    {
        var later = Item(id: 1, sequence: 9, "pay-2", "inv-1");
        var earlier = Item(id: 2, sequence: 4, "pay-1", "inv-1");

        var waiting = FlowBills.Waiting([later, earlier]);

        Assert.Same(earlier, Assert.Single(waiting, w => w.Key == later.Id).Value);
        Assert.False(waiting.ContainsKey(earlier.Id));
    }

    [Fact]
    public void PaymentsOfDifferentInvoicesNeverWaitForEachOther()
    {
        Assert.Empty(FlowBills.Waiting([Item(1, 4, "pay-1", "inv-1"), Item(2, 5, "pay-2", "inv-2")]));
    }

    [Fact]
    public void ARefundUnderAPaymentsIdWaitsForItEvenOnAnotherInvoice()
    {
        var payment = Item(1, 4, "pay-1", "inv-1");
        var refund = Item(2, 5, "pay-1", "inv-2");

        Assert.Same(payment, FlowBills.Waiting([payment, refund])[refund.Id]);
    }

    [Fact]
    public void OfEqualSequencesTheFirstEnqueuedGoesFirst()
    {
        var first = Item(1, 0, "pay-1", "inv-1");
        var second = Item(2, 0, "pay-2", "inv-1");

        Assert.Same(first, FlowBills.Waiting([second, first])[second.Id]);
    }

    [Fact]
    public void AnItemHandedToTheFallbackHoldsNothingUp()
    {
        var failedOver = Item(1, 4, "pay-1", "inv-1");
        failedOver.FailedOverTo = "standby";

        Assert.Empty(FlowBills.Waiting([failedOver, Item(2, 5, "pay-2", "inv-1")]));
    }

    [Fact]
    public void TheRecordsOfAPaymentAreItsOwnRecordAndItsInvoice()
    {
        Assert.Equal(["payments/pay-1", "invoices/inv-1"], FlowBills.Records(Item(1, 4, "pay-1", "inv-1").Delivery));
    }

    private static DeliveryItem Item(long id, long sequence, string paymentId, string invoiceId) => new()
    {
        Id = id,
        Delivery = new Delivery(EnvelopeParser.Parse(new JsonObject
        {
            ["eventType"] = "flowbills:payment.received", ["app"] = "flowbills", ["target"] = new JsonArray("omnihub"),
            ["idempotencyKey"] = $"k-{id}", ["sequence"] = sequence,
            ["payload"] = new JsonObject { ["paymentId"] = paymentId, ["invoiceId"] = invoiceId, ["amount"] = 81.00m },
        }.ToJsonString()), DeliveryRole.Source),
    };
}
