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
    /// <summary>
    /// Asks for <paramref name="pending"/>, the stored outbox of <paramref name="app"/>, to be dispatched as soon as the
    /// timeline runs. The app hands it over with the notice, so the dispatch costs no call to ask for it; a later notice
    /// replaces an earlier one still waiting, and carries every entry not acknowledged since.
    /// </summary>
    public void Notify(string tenant, string app, IReadOnlyList<OutboxEntry> pending)
    {
        var timeline = tenants.Get(tenant).Timeline;
        timeline.Schedule($"dispatch/{app}", timeline.Clock.GetUtcNow(), () => DispatchAsync(tenant, app, pending));
    }

    private async Task DispatchAsync(string tenant, string app, IReadOnlyList<OutboxEntry> entries)
    {
        var source = grains.GetGrain<IAppGrain>(MeshKeys.For(tenant, app));
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
