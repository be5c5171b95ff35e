using Orleans.Placement;

namespace ApexOrleans.Grains.Placement;

/// <summary>
/// Places every grain of one tenant on one silo. A tenant's apps, queues, circuits, keys and its own grain share the
/// tenant's clock and timeline, which live in that silo's memory (<see cref="MeshTenants"/>).
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class TenantPlacement : PlacementStrategy
{
    /// <summary>The one instance grains share.</summary>
    public static readonly TenantPlacement Instance = new();
}

/// <summary>Marks a grain whose key starts with its tenant (<c>{tenant}</c> or <c>{tenant}/…</c>) for <see cref="TenantPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TenantPlacementAttribute() : PlacementAttribute(TenantPlacement.Instance);
