using Orleans.Runtime.Placement;

namespace ApexOrleans.Grains.Placement;

/// <summary>Puts a <see cref="SiloPinnedPlacement"/> grain on the silo its key names, and nowhere else.</summary>
public sealed class SiloPinnedPlacementDirector : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString()!;
        var silo = context.GetCompatibleSilos(target).FirstOrDefault(s => s.ToParsableString() == key);
        // A silo that left is not stood in for: the caller learns it is gone.
        return silo is null
            ? Task.FromException<SiloAddress>(new SiloUnavailableException($"Silo {key} is not an active member of the cluster."))
            : Task.FromResult(silo);
    }
}
