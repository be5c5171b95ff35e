using ApexOrleans.Grains.Chaos;

namespace ApexOrleans.Grains.Cluster;

/// <summary>
/// Keeps the fault set in memory only: faults are switched while storage may be down by one of them. A keeper lost
/// with its silo starts again from the newest set any silo holds, which is the last change, since every change
/// reaches every silo before it is confirmed. Calls run one at a time, so the silos see the changes in order.
/// </summary>
public sealed class ClusterFaultsGrain(ClusterView cluster, TimeProvider wallClock) : Grain, IClusterFaultsGrain
{
    private FaultSet _set = FaultSet.Empty;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var held = await cluster.AskEachAsync(silo => silo.FaultsAsync());
        _set = held.Answers.Values.MaxBy(s => s.Version) ?? FaultSet.Empty;
    }

    /// <inheritdoc />
    public Task<FaultSet> GetAsync() => Task.FromResult(_set);

    /// <inheritdoc />
    public Task<FaultChange> InjectAsync(FaultRequest request)
    {
        var next = _set.Inject(request, wallClock.GetUtcNow(), out var fault);
        return PublishAsync(next, [fault]);
    }

    /// <inheritdoc />
    public Task<FaultChange> RevertAsync(string id) => PublishAsync(_set.Revert(f => f.Id == id, out var reverted), reverted);

    /// <inheritdoc />
    public Task<FaultChange> RevertAllAsync(string? owner) =>
        PublishAsync(_set.Revert(f => owner is null || f.Request.Owner == owner, out var reverted), reverted);

    // Sent even when nothing changed: a silo that missed an earlier change (it was joining) catches up.
    private async Task<FaultChange> PublishAsync(FaultSet next, IReadOnlyList<InjectedFault> changed)
    {
        _set = next;
        var answers = await cluster.AskEachAsync(silo => silo.ApplyFaultsAsync(next));
        return new FaultChange(changed, answers.Unreached);
    }
}
