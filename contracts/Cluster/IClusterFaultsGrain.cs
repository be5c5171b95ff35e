using ApexOrleans.Contracts.Chaos;

namespace ApexOrleans.Contracts.Cluster;

/// <summary>
/// The keeper of the cluster's injected faults (one, key <see cref="Key"/>): every change is sent to every silo's
/// switchboard before the call returns, so a fault switched off on any silo is off on all of them.
/// </summary>
public interface IClusterFaultsGrain : IGrainWithStringKey
{
    /// <summary>The one keeper's key.</summary>
    const string Key = "cluster";

    /// <summary>The faults on now.</summary>
    Task<FaultSet> GetAsync();

    /// <summary>Switches a fault on everywhere; a bad request throws <see cref="ArgumentException"/> and changes nothing.</summary>
    Task<FaultChange> InjectAsync(FaultRequest request);

    /// <summary>Switches one fault off everywhere; <see cref="FaultChange.Faults"/> is empty when it was not on.</summary>
    Task<FaultChange> RevertAsync(string id);

    /// <summary>The kill switch: every fault of <paramref name="owner"/> (every fault when null) off everywhere.</summary>
    Task<FaultChange> RevertAllAsync(string? owner);
}

/// <summary>Reaches the one keeper of faults.</summary>
public static class ClusterFaultsGrainFactoryExtensions
{
    /// <summary>The cluster's keeper of faults.</summary>
    public static IClusterFaultsGrain ClusterFaults(this IGrainFactory grains) => grains.GetGrain<IClusterFaultsGrain>(IClusterFaultsGrain.Key);
}

/// <summary>The faults a change switched on or off, and the silos that did not confirm it in time (gone, or going).</summary>
[GenerateSerializer, Immutable]
public sealed record FaultChange(IReadOnlyList<InjectedFault> Faults, IReadOnlyList<string> Unreached);
