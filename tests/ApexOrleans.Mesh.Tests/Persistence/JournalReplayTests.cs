using System.Text.Json;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Grains.Deliveries;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Grains.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Mesh.Tests.Persistence;

/// <summary>
/// Apps and queues store what changed, not what they hold: an activation rebuilds its state from a snapshot and the
/// entries after it. Whatever chaos did to a day, the rebuilt grains must hold exactly what the live ones held.
/// </summary>
public sealed class JournalReplayTests
{
    [Fact]
    public void AChangeOfAnItemAnEarlierEntryEndedLeavesThatEndStandingAndTheQueueReadable()
    {
        // Two lives of one queue writing in turn can leave this behind; the replay must not refuse the queue for good.
        var queue = new DeliveryQueueState();
        var delivered = new DeliveryItem
        {
            Id = 7, Delivery = new Delivery(SarahsDay.Get(1).Event, DeliveryRole.Target),
            CompletedAt = MeshSilo.DayStart, Outcome = ApplyStatus.Applied,
        };
        new QueueJournalEntry { Delivered = [delivered], Recent = [7], DeliveredCount = 1 }.ReplayInto(queue);

        new QueueJournalEntry { Changed = [new() { Id = 7, NextDueAt = MeshSilo.DayStart }], Recent = [7], DeliveredCount = 1 }
            .ReplayInto(queue);

        Assert.Empty(queue.Pending);
        Assert.Equal(ApplyStatus.Applied, Assert.Single(queue.Delivered).Outcome);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task EveryAppAndQueueRebuiltFromItsJournalHoldsWhatItHeldBefore(int seed)
    {
        // Snapshots every three entries and history pages of two: replays cross both, as a long-lived grain's would.
        await using var silo = await MeshSilo.StartAsync(configure: s => s.Services.Configure<StateJournalOptions>(o => o.SnapshotEvery = 3));
        var tenant = silo.Tenant($"replay-{seed}", DayPermutations.HashedChaos(seed), adjust: s => s with { Delivery = s.Delivery with { HistoryPageSize = 2 } });
        await MeshGuarantees.PublishBeatsAsync(silo, tenant, SarahsDay.Beats.Count);
        await MeshSilo.SettleAsync(tenant);

        var live = await ReadAsync(silo, tenant);
        await silo.CollectIdleActivationsAsync(); // memory gone: every grain is rebuilt from the store
        var rebuilt = await ReadAsync(silo, tenant);

        Assert.Equal(live.Count, rebuilt.Count);
        foreach (var (what, json) in live)
        {
            Assert.True(json == rebuilt[what], $"{what} differs after its replay:\nlive:    {json}\nreplayed: {rebuilt[what]}");
        }

        Assert.Contains(live, p => p.Key.EndsWith("/receipts", StringComparison.Ordinal) && p.Value.Length > 2);
    }

    /// <summary>Every app's books and receipts and every queue's items, as JSON by what they are.</summary>
    private static async Task<Dictionary<string, string>> ReadAsync(MeshSilo silo, Tenant tenant)
    {
        var read = new Dictionary<string, string>();
        foreach (var app in silo.Services.GetRequiredService<AppCatalog>().Apps.Keys)
        {
            read[$"{app}/books"] = JsonSerializer.Serialize(await silo.AppAsync(tenant, app));
            read[$"{app}/receipts"] = JsonSerializer.Serialize(await silo.Grains.GetGrain<IAppGrain>(MeshKeys.For(tenant.Id, app)).ReceiptsAsync());
            read[$"{app}/queue"] = JsonSerializer.Serialize(await silo.QueueAsync(tenant, app));
        }

        return read;
    }
}
