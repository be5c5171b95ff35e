using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Mesh.Tests;

public sealed class OrderingTests
{
    [Fact]
    public async Task APaymentBeforeItsInvoiceIsHeldThenAppliedWhenTheInvoiceArrives()
    {
        await using var silo = await MeshSilo.StartAsync();
        var tenant = silo.Tenant("pay-first");

        await silo.PublishAsync(tenant, SarahsDay.Get(12).Event);
        await MeshSilo.SettleAsync(tenant);
        var waiting = await silo.AppAsync(tenant, "flowbills");
        Assert.Empty(waiting.Rows("payments"));
        Assert.Equal(["invoices/inv-001"], Assert.Single(waiting.Held).WaitingFor);
        Assert.Empty((await silo.AppAsync(tenant, "flowc")).Rows("audit_logs"));

        await silo.PublishAsync(tenant, SarahsDay.Get(4).Event);
        await MeshSilo.SettleAsync(tenant);

        var flowbills = await silo.AppAsync(tenant, "flowbills");
        Assert.Empty(flowbills.Held);
        Assert.Single(flowbills.Rows("payments"));
        Assert.Equal("paid", flowbills.Rows("invoices").Single(r => r.Key == "inv-001").Data["status"]!.GetValue<string>());
        Assert.Single((await silo.AppAsync(tenant, "flowc")).Rows("audit_logs"));
        var receipt = (await silo.Grains.GetGrain<IAppGrain>(MeshKeys.For(tenant.Id, "flowbills")).ReceiptsAsync())
            .Single(r => r.IdempotencyKey == SarahsDay.Get(12).Event.IdempotencyKey);
        Assert.NotNull(receipt.HeldSince);
    }

    [Fact]
    public async Task AHeldEventWhosePredecessorNeverComesShowsAsOverdue()
    {
        await using var silo = await MeshSilo.StartAsync();
        var tenant = silo.Tenant("orphan");
        await silo.PublishAsync(tenant, SarahsDay.Get(5).Event);
        await MeshSilo.SettleAsync(tenant);
        Assert.False(Assert.Single((await silo.AppAsync(tenant, "flowbills")).Held).Overdue);

        await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromHours(2));

        var held = Assert.Single((await silo.AppAsync(tenant, "flowbills")).Held);
        Assert.True(held.Overdue);
        Assert.Equal(SarahsDay.Get(5).Event.IdempotencyKey, held.IdempotencyKey);
    }

    [Fact]
    public async Task AReactionThatOvertakesItsCauseIsHeldUntilTheCauseArrives()
    {
        // The registration reaches OmniHub ten minutes late; FLOWBills' premium invoice (its reaction) gets there first.
        var chaos = new ScriptedChaos(delay: (e, target) =>
            e.EventType == "careconnect:patient.registered" && target == "omnihub" ? TimeSpan.FromMinutes(10) : TimeSpan.Zero);
        await using var silo = await MeshSilo.StartAsync();
        var tenant = silo.Tenant("overtaken", chaos);
        var registration = SarahsDay.Get(11);
        await tenant.Timeline.RunUntilAsync(registration.Time);
        await silo.PublishAsync(tenant, registration.Event);

        // Another app sends OmniHub an event that takes the registration's id: it must not pass for the cause.
        await silo.PublishAsync(tenant, SarahsDay.Get(1).Event with { Id = registration.Event.Id, IdempotencyKey = "impostor" });

        await tenant.Timeline.RunUntilAsync(registration.Time + TimeSpan.FromMinutes(1));
        var early = await silo.AppAsync(tenant, "omnihub");
        var held = Assert.Single(early.Held);
        Assert.Equal("flowbills:invoice.created", held.EventType);
        Assert.Equal([$"event {registration.Event.ScopedId}"], held.WaitingFor);

        await MeshSilo.SettleAsync(tenant);
        var omnihub = await silo.AppAsync(tenant, "omnihub");
        Assert.Empty(omnihub.Held);
        Assert.Equal(3, omnihub.Rows("feed").Count);
    }

    [Fact]
    public async Task TheDayInAnyOrderAndUnderChaosEndsInTheSameStateAsInOrder()
    {
        await using var silo = await MeshSilo.StartAsync();

        await DayPermutations.CheckAsync(silo, permutations: 30);
    }
}
