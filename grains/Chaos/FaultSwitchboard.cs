using ApexOrleans.Contracts.ChaosPolicy;
using ApexOrleans.Contracts.Chaos;
namespace ApexOrleans.Grains.Chaos;

/// <summary>
/// The faults switched on, as this silo knows them: delivery grains and grain storage consult it on every attempt and
/// every call, so it is read from memory. The cluster's keeper of faults (<see cref="IClusterFaultsGrain"/>) sends
/// every change to every silo's switchboard before it answers, which is what makes the kill switch cluster-wide.
/// </summary>
public sealed class FaultSwitchboard
{
    private readonly Lock _gate = new();
    private FaultSet _set = FaultSet.Empty;

    /// <summary>The set held now.</summary>
    public FaultSet Set => _set;

    /// <summary>The faults on now, oldest first.</summary>
    public IReadOnlyList<InjectedFault> Active => _set.Active;

    /// <summary>Whether an injected storage outage is on.</summary>
    public bool StorageDown { get; private set; }

    /// <summary>Holds <paramref name="set"/> if it is newer than the one held; false for a late, older copy.</summary>
    public bool Apply(FaultSet set)
    {
        lock (_gate)
        {
            if (set.Version <= _set.Version)
            {
                return false;
            }

            StorageDown = set.StorageDown;
            _set = set;
            return true;
        }
    }

    /// <summary>The outage decision for an attempt of <paramref name="tenant"/> to <paramref name="target"/>, when one is on.</summary>
    public ChaosDecision? Decide(string tenant, string target)
    {
        foreach (var fault in _set.Active)
        {
            if (fault.Request.Kind == InjectedFaultKinds.AppOutage && fault.Request.App == target && Hits(fault, tenant))
            {
                return new ChaosDecision(FaultKind.Outage, $"injected fault {fault.Id}: {target} is down ({fault.Request.Owner ?? "operator"})");
            }
        }

        return null;
    }

    /// <summary>The delay injected before deliveries of <paramref name="tenant"/> to <paramref name="target"/> (the longest that applies).</summary>
    public TimeSpan DelayFor(string tenant, string target)
    {
        var delay = TimeSpan.Zero;
        foreach (var fault in _set.Active)
        {
            if (fault.Request is { Kind: InjectedFaultKinds.DeliveryDelay, DelayMs: { } ms } request && (request.App is null || request.App == target) && Hits(fault, tenant))
            {
                delay = TimeSpan.FromMilliseconds(Math.Max(delay.TotalMilliseconds, ms));
            }
        }

        return delay;
    }

    private static bool Hits(InjectedFault fault, string tenant) =>
        fault.Request.TenantPrefix is not { } prefix || tenant.StartsWith(prefix, StringComparison.Ordinal);
}
