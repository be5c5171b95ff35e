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

    public static async Task<IReadOnlyList<InjectedFault>> RevertAllAsync(IGrainFactory grains, string? owner, CancellationToken cancellationToken) =>
        (await Keeper(grains).RevertAllAsync(owner).WaitAsync(cancellationToken)).Faults;

    private static IClusterFaultsGrain Keeper(IGrainFactory grains) => grains.GetGrain<IClusterFaultsGrain>(IClusterFaultsGrain.Key);
}
