using Orleans.Placement;

namespace ApexOrleans.Grains.Placement;

/// <summary>
/// Places a grain on the silo its key names (<see cref="SiloAddress.ToParsableString"/>): an agent of the mesh on
/// each silo, through which one silo reaches the memory of another (its faults, its tenants, its figures).
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloPinnedPlacement : PlacementStrategy
{
    /// <summary>The one instance grains share.</summary>
    public static readonly SiloPinnedPlacement Instance = new();
}

/// <summary>Marks a grain keyed by a silo's address for <see cref="SiloPinnedPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloPinnedPlacementAttribute() : PlacementAttribute(SiloPinnedPlacement.Instance);
