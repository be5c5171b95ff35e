using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Cluster;

namespace ApexOrleans.Client.Running;

/// <summary>Faults switched through the cluster's keeper of faults, for the sessions that reach grains directly (embedded, cluster client).</summary>
internal static class MeshFaults
{
    public static async Task<InjectedFault> InjectAsync(IGrainFactory grains, FaultRequest request, CancellationToken cancellationToken) =>
        (await grains.ClusterFaults().InjectAsync(request).WaitAsync(cancellationToken)).Faults.Single();

    public static async Task<bool> RevertAsync(IGrainFactory grains, string id, CancellationToken cancellationToken) =>
        (await grains.ClusterFaults().RevertAsync(id).WaitAsync(cancellationToken)).Faults.Count > 0;

    /// <summary>The kill switch: done only when every silo confirmed it, asked again (for up to a minute) while one did not.</summary>
    public static Task<IReadOnlyList<InjectedFault>> RevertAllAsync(IGrainFactory grains, string? owner, CancellationToken cancellationToken) =>
        UntilEverySiloConfirmsAsync(async () =>
        {
            var change = await grains.ClusterFaults().RevertAllAsync(owner).WaitAsync(cancellationToken);
            return (change.Faults, change.Unreached);
        }, TimeSpan.FromMinutes(1), cancellationToken);

    /// <summary>
    /// Sends the kill switch again while a silo did not confirm it (it is dying, or its answer was late), until none is
    /// left out or <paramref name="limit"/> has passed; returns every fault it switched off on the way.
    /// </summary>
    public static async Task<IReadOnlyList<InjectedFault>> UntilEverySiloConfirmsAsync(
        Func<Task<(IReadOnlyList<InjectedFault> Faults, IReadOnlyList<string> Unreached)>> revert, TimeSpan limit, CancellationToken cancellationToken)
    {
        var reverted = new List<InjectedFault>();
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var (faults, unreached) = await revert();
            reverted.AddRange(faults);
            if (unreached.Count == 0)
            {
                return reverted;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The kill switch could not reach silos {string.Join(", ", unreached)} within {limit}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }
}
