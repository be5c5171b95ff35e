using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Cluster;

namespace ApexOrleans.Grains.Cluster;

/// <summary>
/// Keeps the fault set in memory only: faults are switched while storage may be down by one of them. A keeper lost
/// with its silo starts again from the newest set any silo holds, which is the last change, since every change
/// reaches every silo before it is confirmed. Calls run one at a time, so the silos see the changes in order.
/// </summary>
public sealed class ClusterFaultsGrain(ClusterView cluster, TimeProvider wallClock) : Grain, IClusterFaultsGrain
{
    // Two keepers may live for a moment after a membership change; a change that lost to the other's is made again
    // on the newer set, a few times at most.
    private const int Attempts = 3;

    private FaultSet _set = FaultSet.Empty;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var held = await cluster.AskEachAsync(silo => silo.FaultsAsync());
        if (held.Answers.Count == 0)
        {
            // Starting from nothing would hand out versions the silos already hold, and they would ignore every change.
            throw new InvalidOperationException("No silo told the keeper of faults which faults are on; try again.");
        }

        _set = Newest(held.Answers.Values);
    }

    /// <inheritdoc />
    public Task<FaultSet> GetAsync() => Task.FromResult(_set);

    /// <inheritdoc />
    public Task<FaultChange> InjectAsync(FaultRequest request)
    {
        request.Validate();
        var at = wallClock.GetUtcNow();
        return ChangeAsync(set =>
        {
            var next = set.Inject(request, at, out var fault);
            return (next, [fault]);
        });
    }

    /// <inheritdoc />
    public Task<FaultChange> RevertAsync(string id) => ChangeAsync(set => (set.Revert(f => f.Id == id, out var reverted), reverted));

    /// <inheritdoc />
    public Task<FaultChange> RevertAllAsync(string? owner) =>
        ChangeAsync(set => (set.Revert(f => owner is null || f.Request.Owner == owner, out var reverted), reverted));

    /// <summary>
    /// Makes the change on the set held and sends the result to every silo (also when nothing changed: a silo that missed
    /// a change catches up). If a silo holds a newer set than the one sent, or another set of the same version, another
    /// keeper changed it meanwhile: the change is made again on the newest set, at a version above both.
    /// </summary>
    private async Task<FaultChange> ChangeAsync(Func<FaultSet, (FaultSet Next, IReadOnlyList<InjectedFault> Changed)> change)
    {
        var basis = _set;
        for (var attempt = 1; ; attempt++)
        {
            var (next, changed) = change(basis);
            var answers = await cluster.AskEachAsync(silo => silo.ApplyFaultsAsync(next));
            // A silo holding anything but what was sent holds another keeper's set (newer, or of the same version).
            var others = answers.Answers.Where(a => !SameFaults(a.Value, next)).ToList();
            if (others.Count == 0 || attempt == Attempts)
            {
                _set = next; // only once sent: a change that failed on its way out is not kept to go live with the next one
                return new FaultChange(changed, [.. answers.Unreached, .. others.Select(a => a.Key)]);
            }

            var newest = Newest(others.Select(a => a.Value).Append(basis));
            basis = newest with { Version = Math.Max(newest.Version, next.Version) };
        }
    }

    private static FaultSet Newest(IEnumerable<FaultSet> sets)
    {
        var all = sets.ToList();
        var newest = all.MaxBy(s => s.Version)!;
        return newest with { LastNumber = all.Max(s => s.LastNumber) }; // ids never come back, whichever keeper gave them
    }

    private static bool SameFaults(FaultSet a, FaultSet b) =>
        a.Version == b.Version && a.Active.Select(f => f.Id).SequenceEqual(b.Active.Select(f => f.Id), StringComparer.Ordinal);
}
