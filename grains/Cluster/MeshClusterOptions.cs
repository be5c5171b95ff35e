namespace ApexOrleans.Grains.Cluster;

/// <summary>How the mesh talks across its silos.</summary>
public sealed class MeshClusterOptions
{
    /// <summary>
    /// How long a silo is waited for when every silo is asked (a fault change, the cluster's figures). A silo that does
    /// not answer in time is named as unreached rather than holding up the kill switch until Orleans' response timeout.
    /// </summary>
    public TimeSpan SiloCallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each silo compares its faults with the keeper's, to mend a change it missed (it is also pushed at once).</summary>
    public TimeSpan FaultCatchUpInterval { get; set; } = TimeSpan.FromSeconds(2);
}
