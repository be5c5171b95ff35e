using System.Text;
using ApexOrleans.Contracts.Tenancy;
using Orleans.Runtime.Placement;

namespace ApexOrleans.Grains.Placement;

/// <summary>
/// Keeps a tenant on one silo. The tenant's own grain (<see cref="ITenantGrain"/>) is placed by rendezvous hashing:
/// each silo scores the tenant, the highest score wins, so every silo with the same membership view picks the same
/// silo, and when a silo leaves only its own tenants move. Every other grain of the tenant goes where the tenant's
/// grain is active, so a silo that joins mid-run, which wins some tenants' hashing, does not split them: their
/// timelines stay where they are, and only tenants started later land on it.
/// </summary>
public sealed class TenantPlacementDirector(IGrainFactory grains) : IPlacementDirector
{
    /// <inheritdoc />
    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0)
        {
            throw new OrleansException($"No silo can host {target.GrainIdentity}.");
        }

        if (silos.Length == 1)
        {
            return silos[0]; // one silo hosts every tenant: no need to ask where the tenant's grain is (a call per activation)
        }

        var tenant = MeshKeys.TenantOf(target.GrainIdentity.Key.ToString()!);
        var anchor = grains.GetGrain<ITenantGrain>(tenant);
        if (!target.GrainIdentity.Equals(anchor.GetGrainId())
            && await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(anchor) is { } held && silos.Contains(held))
        {
            return held;
        }

        return OwnerOf(tenant, silos);
    }

    /// <summary>The silo among <paramref name="silos"/> that hosts <paramref name="tenant"/>.</summary>
    public static SiloAddress OwnerOf(string tenant, IReadOnlyList<SiloAddress> silos)
    {
        var best = silos[0];
        var bestScore = 0UL;
        foreach (var silo in silos)
        {
            var score = Score(tenant, silo.ToParsableString());
            if (score > bestScore || (score == bestScore && string.CompareOrdinal(silo.ToParsableString(), best.ToParsableString()) < 0))
            {
                (best, bestScore) = (silo, score);
            }
        }

        return best;
    }

    // FNV-1a over "tenant|silo": stable across processes, unlike string.GetHashCode.
    private static ulong Score(string tenant, string silo)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes($"{tenant}|{silo}"))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
