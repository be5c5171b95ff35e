using ApexOrleans.Grains.Tenancy;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;
using ApexOrleans.Contracts.Apps;

namespace ApexOrleans.Mesh.Tests;

/// <summary>
/// Events that compete for one record (payments, second charges and refunds against the same invoices) end in the
/// state of their sequence order, whatever order chaos and delays deliver them in.
/// </summary>
public sealed class CompetingEffectsTests
{
    [Fact]
    public async Task CompetingPaymentsRefundsAndSecondChargesEndAsInSequenceOrderWhateverTheDeliveryOrder()
    {
        await using var silo = await MeshSilo.StartAsync();
        var reader = silo.Services.GetRequiredService<TenantStateReader>();
        var days = CompetingDay.Generator.Sample(60);
        for (var d = 0; d < days.Length; d++)
        {
            var day = days[d];
            var expected = await PlayAsync(silo, reader, silo.Tenant($"day-{d}-in-order"), day);
            Assert.DoesNotContain("\"held\":[\"", expected);

            // Each delivery of the i-th event of a shuffled order is delayed by i × 2 s, so the events arrive in that
            // order (events are published a second apart), and hashed faults retry some of them later still.
            var orders = Gen.Shuffle(day.Events.ToArray()).Sample(5);
            for (var run = 0; run < orders.Length; run++)
            {
                var rank = orders[run].Select((e, i) => (e.IdempotencyKey, i)).ToDictionary(x => x.IdempotencyKey, x => x.i);
                var seed = d * 10 + run;
                var chaos = new ScriptedChaos(
                    fault: a => DayPermutations.HashedFault(seed, a),
                    delay: (e, _) => rank.TryGetValue(e.IdempotencyKey, out var i) ? TimeSpan.FromSeconds(2 * i) : TimeSpan.Zero);
                var actual = await PlayAsync(silo, reader, silo.Tenant($"day-{d}-run-{run}", chaos), day);

                Assert.True(expected == actual,
                    $"Day {day} delivered in the order {string.Join(",", orders[run].Select(e => e.Sequence))} (fault seed {seed}) ended in another state.\n" +
                    $"expected: {expected}\nactual:   {actual}");
            }
        }
    }

    /// <summary>Publishes the day's events at their times, lets every delivery finish and reads the canonical state.</summary>
    private static async Task<string> PlayAsync(MeshSilo silo, TenantStateReader reader, Tenant tenant, CompetingDay day)
    {
        foreach (var envelope in day.Events)
        {
            await tenant.Timeline.RunUntilAsync(envelope.Time!.Value);
            await silo.PublishAsync(tenant, envelope);
        }

        await MeshSilo.SettleAsync(tenant);
        return await reader.CanonicalAsync(tenant.Id);
    }
}
