using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Cluster;
using Orleans;

namespace ApexOrleans.Client.Running;

/// <summary>Faults switched through the cluster's keeper of faults, for the sessions that reach grains directly (embedded, cluster client).</summary>
internal static class MeshFaults
{
    public static async Task<InjectedFault> InjectAsync(IGrainFactory grains, FaultRequest request, CancellationToken cancellationToken) =>
        (await Keeper(grains).InjectAsync(request).WaitAsync(cancellationToken)).Faults.Single();

    public static async Task<bool> RevertAsync(IGrainFactory grains, string id, CancellationToken cancellationToken) =>
        (await Keeper(grains).RevertAsync(id).WaitAsync(cancellationToken)).Faults.Count > 0;

    /// <summary>The kill switch: done only when every silo confirmed it, asked again (for up to a minute) while one did not.</summary>
    public static async Task<IReadOnlyList<InjectedFault>> RevertAllAsync(IGrainFactory grains, string? owner, CancellationToken cancellationToken)
    {
        var reverted = new List<InjectedFault>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var change = await Keeper(grains).RevertAllAsync(owner).WaitAsync(cancellationToken);
            reverted.AddRange(change.Faults);
            if (change.Unreached.Count == 0)
            {
                return reverted;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The kill switch could not reach silos {string.Join(", ", change.Unreached)} within a minute.");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static IClusterFaultsGrain Keeper(IGrainFactory grains) => grains.GetGrain<IClusterFaultsGrain>(IClusterFaultsGrain.Key);
}
