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
        UntilEverySiloConfirmsAsync(KillSwitchRetry, async cancellationToken =>
        {
            var change = await grains.ClusterFaults().RevertAllAsync(owner).WaitAsync(cancellationToken);
            return (change.Faults, change.Unreached);
        }, cancellationToken);

    // The grain sessions have no silo of their own to wait for: only the kill switch is asked again, for a minute.
    private static readonly SiloRetry KillSwitchRetry = new(new SiloRetryOptions { RecoveryTimeout = TimeSpan.FromMinutes(1) }, TimeProvider.System);

    /// <summary>
    /// Sends the kill switch again through <paramref name="retry"/> while a silo did not confirm it (it is dying, or its
    /// answer was late), until none is left out or the retry's timeout has passed; returns every fault it switched off on the way.
    /// </summary>
    public static async Task<IReadOnlyList<InjectedFault>> UntilEverySiloConfirmsAsync(SiloRetry retry,
        Func<CancellationToken, Task<(IReadOnlyList<InjectedFault> Faults, IReadOnlyList<string> Unreached)>> revert, CancellationToken cancellationToken)
    {
        var reverted = new List<InjectedFault>();
        return await retry.ExecuteAsync<IReadOnlyList<InjectedFault>>(async (_, cancellationToken) =>
        {
            var (faults, unreached) = await revert(cancellationToken);
            reverted.AddRange(faults);
            if (unreached.Count > 0)
            {
                throw new SiloStillAwayException($"The kill switch could not reach silos {string.Join(", ", unreached)}");
            }

            return reverted;
        }, cancellationToken);
    }
}
