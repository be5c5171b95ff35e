using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Mesh.Tests;

/// <summary>A payload one app sends that no rule can compute with is reported by the rule, never a failure that trips the receiver's circuit for everyone.</summary>
public sealed class HostilePayloadTests
{
    [Fact]
    public async Task AnInvoiceWithAmountsPastDecimalsRangeIsAComplianceFailureNotAFailedDelivery()
    {
        await using var silo = await MeshSilo.StartAsync();
        var tenant = silo.Tenant("huge-invoice");
        var invoice = EnvelopeParser.Parse("""
            { "eventType": "flowbills:invoice.created", "target": ["flowc"], "idempotencyKey": "inv-huge",
              "payload": { "invoiceId": "inv-huge", "amount": 1e30, "totalAmount": 1e30, "taxRate": 0.08, "lineItems": [{ "total": 1e30 }] } }
            """);
        var payment = EnvelopeParser.Parse("""
            { "eventType": "flowbills:payment.received", "target": ["flowc"], "idempotencyKey": "pay-huge",
              "payload": { "paymentId": "pay-huge", "invoiceId": "inv-huge", "amount": 7e28 } }
            """);

        await silo.PublishAsync(tenant, invoice);
        await silo.PublishAsync(tenant, payment);
        await MeshSilo.SettleAsync(tenant);

        var check = Assert.Single((await silo.AppAsync(tenant, "flowc")).Rows("compliance_checks"));
        Assert.Equal("failed", check.Data["status"]!.GetValue<string>());
        Assert.Contains("amount and totalAmount are required", check.Data["violations"]!.ToJsonString());
        Assert.Single((await silo.AppAsync(tenant, "flowbills")).Rows("payment_mismatches"));
        Assert.Equal(CircuitStatus.Closed, (await silo.CircuitAsync(tenant, "flowc")).Status);
        Assert.Equal(CircuitStatus.Closed, (await silo.CircuitAsync(tenant, "flowbills")).Status);
        Assert.All(new[] { "flowc", "flowbills" }, app => Assert.Empty(silo.QueueAsync(tenant, app).Result.DeadLetters));
    }
}
