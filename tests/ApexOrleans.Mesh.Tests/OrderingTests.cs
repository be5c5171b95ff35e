using System.Security.Cryptography;
using System.Text;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Delivery;
using ApexOrleans.Grains.Tenancy;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;

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

        await tenant.Timeline.RunUntilAsync(registration.Time + TimeSpan.FromMinutes(1));
        var early = await silo.AppAsync(tenant, "omnihub");
        var held = Assert.Single(early.Held);
        Assert.Equal("flowbills:invoice.created", held.EventType);
        Assert.Equal([$"event {registration.Event.Id}"], held.WaitingFor);

        await MeshSilo.SettleAsync(tenant);
        var omnihub = await silo.AppAsync(tenant, "omnihub");
        Assert.Empty(omnihub.Held);
        Assert.Equal(2, omnihub.Rows("feed").Count);
    }

    [Fact]
    public async Task TheDayInAnyOrderAndUnderChaosEndsInTheSameStateAsInOrder()
    {
        await using var silo = await MeshSilo.StartAsync();
        var reader = silo.Cluster.Services.GetRequiredService<TenantStateReader>();
        var control = silo.Tenant("control");
        await PublishInOrderAsync(silo, control, SarahsDay.Beats);
        var expected = await reader.CanonicalAsync(control.Id);
        Assert.DoesNotContain("\"held\":[\"", expected);

        var permutations = Gen.Shuffle(SarahsDay.Beats.ToArray()).Sample(30);
        for (var run = 0; run < permutations.Length; run++)
        {
            var order = permutations[run];
            var tenant = silo.Tenant($"shuffled-{run}", HashedChaos(run));
            await PublishInOrderAsync(silo, tenant, order);

            var actual = await reader.CanonicalAsync(tenant.Id);
            Assert.True(expected == actual,
                $"Publishing the beats in the order {string.Join(",", order.Select(b => b.Number))} (chaos seed {run}) ended in another state.\n" +
                $"expected: {expected}\nactual:   {actual}");
        }
    }

    /// <summary>Publishes the beats in the given order, ten minutes apart, then lets every delivery finish.</summary>
    private static async Task PublishInOrderAsync(MeshSilo silo, Tenant tenant, IEnumerable<SarahsDay.Beat> beats)
    {
        foreach (var beat in beats)
        {
            await silo.PublishAsync(tenant, beat.Event);
            await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromMinutes(10));
        }

        await MeshSilo.SettleAsync(tenant);
    }

    /// <summary>Duplicates, lost answers, failures, timeouts and delays, decided by a hash of (seed, event, target, attempt).</summary>
    private static ScriptedChaos HashedChaos(int seed) => new(
        fault: a =>
        {
            var roll = Roll(seed, a.Envelope.IdempotencyKey, a.Target, a.Attempt, "fault");
            return roll switch
            {
                < 0.15 => FaultKind.Duplicate,
                < 0.22 => FaultKind.ResponseLost,
                < 0.27 => FaultKind.NetworkFailure,
                < 0.30 => FaultKind.Timeout,
                < 0.32 => FaultKind.ServerError,
                _ => FaultKind.None,
            };
        },
        delay: (e, target) => Roll(seed, e.IdempotencyKey, target, 0, "delay") < 0.3
            ? TimeSpan.FromMilliseconds(Roll(seed, e.IdempotencyKey, target, 0, "delay-ms") * 5000)
            : TimeSpan.Zero);

    private static double Roll(int seed, string key, string target, int attempt, string kind)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}|{key}|{target}|{attempt}|{kind}"));
        return BitConverter.ToUInt64(hash, 0) / (double)ulong.MaxValue;
    }
}
