using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Tenancy;

namespace ApexOrleans.Grains.Deliveries;

/// <summary>
/// Hands an app's published events to each target's delivery queue, then acknowledges them to the app.
/// It runs as timeline work, outside any grain turn, which is what keeps the grain call graph acyclic.
/// Enqueueing is idempotent, so a dispatch repeated after a crash changes nothing.
/// </summary>
public sealed class OutboxDispatcher(IGrainFactory grains, MeshTenants tenants)
{
    /// <summary>Asks for the outbox of <paramref name="app"/> to be dispatched as soon as the timeline runs.</summary>
    public void Notify(string tenant, string app)
    {
        var timeline = tenants.Get(tenant).Timeline;
        timeline.Schedule($"dispatch/{app}", timeline.Clock.GetUtcNow(), () => DispatchAsync(tenant, app));
    }

    private async Task DispatchAsync(string tenant, string app)
    {
        var source = grains.GetGrain<IAppGrain>(MeshKeys.For(tenant, app));
        var entries = await source.PendingOutboxAsync().ConfigureAwait(false);
        foreach (var entry in entries)
        {
            // An entry's targets are different queues: handed over together (a queue may attempt its delivery at once).
            // Entries stay in order, so each target still gets an app's events in the order it published them.
            await Task.WhenAll(entry.Targets.Select(target => grains.GetGrain<IDeliveryGrain>(MeshKeys.For(tenant, target.App))
                .EnqueueAsync(new Delivery(entry.Envelope, DeliveryRole.Target, target.HoldUntilApplied)))).ConfigureAwait(false);
        }

        if (entries.Count > 0)
        {
            await source.AcknowledgeOutboxAsync(entries.Select(e => e.Id).ToList()).ConfigureAwait(false);
        }
    }
}
