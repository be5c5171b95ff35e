using ApexOrleans.Contracts.ChaosPolicy;
using System.Security.Cryptography;
using System.Text;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Grains.Tenancy;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;
using ApexOrleans.Contracts.Apps;

namespace ApexOrleans.Mesh.Tests;

/// <summary>
/// The order-independence property: the day's 13 events, published in random orders (FsCheck permutations)
/// under hashed chaos, end in the same canonical state as the in-order run without chaos.
/// </summary>
internal static class DayPermutations
{
    public static async Task CheckAsync(MeshSilo silo, int permutations)
    {
        var reader = silo.Services.GetRequiredService<TenantStateReader>();
        var control = silo.Tenant("control");
        await PublishInOrderAsync(silo, control, SarahsDay.Beats);
        var expected = await reader.CanonicalAsync(control.Id);
        Assert.DoesNotContain("\"held\":[\"", expected);

        var orders = Gen.Shuffle(SarahsDay.Beats.ToArray()).Sample(permutations);
        for (var run = 0; run < orders.Length; run++)
        {
            var order = orders[run];
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
    internal static ScriptedChaos HashedChaos(int seed) => new(
        fault: a => HashedFault(seed, a),
        delay: (e, target) => Roll(seed, e.IdempotencyKey, target, 0, "delay") < 0.3
            ? TimeSpan.FromMilliseconds(Roll(seed, e.IdempotencyKey, target, 0, "delay-ms") * 5000)
            : TimeSpan.Zero);

    /// <summary>The fault of one attempt, from a hash of (seed, event, target, attempt): about a third of attempts fail or repeat.</summary>
    public static FaultKind HashedFault(int seed, DeliveryAttemptContext attempt) =>
        Roll(seed, attempt.Envelope.IdempotencyKey, attempt.Target, attempt.Attempt, "fault") switch
        {
            < 0.15 => FaultKind.Duplicate,
            < 0.22 => FaultKind.ResponseLost,
            < 0.27 => FaultKind.NetworkFailure,
            < 0.30 => FaultKind.Timeout,
            < 0.32 => FaultKind.ServerError,
            _ => FaultKind.None,
        };

    private static double Roll(int seed, string key, string target, int attempt, string kind)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}|{key}|{target}|{attempt}|{kind}"));
        return BitConverter.ToUInt64(hash, 0) / (double)ulong.MaxValue;
    }
}
