using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Storage;
using ApexOrleans.Storage.Hosting;

namespace ApexOrleans.Mesh.Tests;

/// <summary>
/// Orleans may briefly hold two activations of one grain after a membership change. Forced here for good: two silos
/// that do not know each other (two clusters) share one store, so each activates the same grains. The ETag on each
/// grain's state is what keeps the effects exactly once: the stale activation's write is refused, and it starts over.
/// </summary>
public sealed class DuplicateActivationTests
{
    [Fact]
    public async Task TwoActivationsOfOneAppApplyAnEventOnce()
    {
        var store = new MemoryGrainStore();
        await using var one = await MeshSilo.StartAsync(GrainStorageChoice.Memory(store));
        await using var two = await MeshSilo.StartAsync(GrainStorageChoice.Memory(store));
        var (t1, t2) = (one.Tenant("split-app"), two.Tenant("split-app"));
        var delivery = new Delivery(SarahsDay.Get(12).Event, DeliveryRole.Target);
        var key = MeshKeys.For("split-app", "omnihub");
        await one.AppAsync(t1, "omnihub");
        await two.AppAsync(t2, "omnihub"); // both activations hold the empty state now

        var first = await one.Grains.GetGrain<IAppGrain>(key).ApplyAsync(delivery);
        var stale = await Record.ExceptionAsync(() => two.Grains.GetGrain<IAppGrain>(key).ApplyAsync(delivery));
        var again = await Eventually(() => two.Grains.GetGrain<IAppGrain>(key).ApplyAsync(delivery));

        Assert.Equal(ApplyStatus.Applied, first.Status);
        Assert.IsType<Orleans.Storage.InconsistentStateException>(Unwrap(stale));
        Assert.Equal(ApplyStatus.Duplicate, again.Status);
        Assert.Equal(first.Receipt!.EventId, again.Receipt!.EventId);
        Assert.Single(await one.Grains.GetGrain<IAppGrain>(key).ReceiptsAsync());
        Assert.Single(await two.Grains.GetGrain<IAppGrain>(key).ReceiptsAsync());
    }

    [Fact]
    public async Task TwoActivationsOfOneKeyAcceptAPublishOnceAndItsTargetsApplyItOnce()
    {
        var store = new MemoryGrainStore();
        await using var one = await MeshSilo.StartAsync(GrainStorageChoice.Memory(store));
        await using var two = await MeshSilo.StartAsync(GrainStorageChoice.Memory(store));
        var (t1, t2) = (one.Tenant("split-key"), two.Tenant("split-key"));
        var beat = SarahsDay.Get(1); // a call: nothing it waits for, two targets
        await t1.Timeline.RunUntilAsync(beat.Time);
        await t2.Timeline.RunUntilAsync(beat.Time);
        Assert.Null(await one.KeyAsync(t1, beat.Event));
        Assert.Null(await two.KeyAsync(t2, beat.Event)); // both activations of the key hold "never claimed"

        var accepted = await one.PublishAsync(t1, beat.Event);
        var stale = await Record.ExceptionAsync(() => two.PublishAsync(t2, beat.Event));
        var retried = await Eventually(() => two.PublishAsync(t2, beat.Event));
        await MeshSilo.SettleAsync(t1);
        await MeshSilo.SettleAsync(t2);

        Assert.Equal(PublishStatus.Accepted, accepted.Status);
        Assert.IsType<Orleans.Storage.InconsistentStateException>(Unwrap(stale));
        Assert.Equal(PublishStatus.Duplicate, retried.Status);
        Assert.Equal(accepted.EventId, retried.EventId);
        // Both silos may have dispatched the event (each activated the source app); each target applied it once.
        await one.CollectIdleActivationsAsync();
        foreach (var target in beat.Event.Targets)
        {
            var receipts = await one.Grains.GetGrain<IAppGrain>(MeshKeys.For("split-key", target)).ReceiptsAsync();
            Assert.Single(receipts, r => r.EventId == accepted.EventId);
        }
    }

    private static Exception? Unwrap(Exception? e) => e is Orleans.Runtime.OrleansException { InnerException: { } inner } ? inner : e;

    // The refused activation deactivates after the failed call; the next call finds a fresh one that reads the store.
    private static async Task<T> Eventually<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (attempt < 20 && Unwrap(e) is Orleans.Storage.InconsistentStateException)
            {
                await Task.Delay(50);
            }
        }
    }
}
