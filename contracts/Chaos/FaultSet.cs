using System.Collections.Immutable;
using System.Globalization;

namespace ApexOrleans.Contracts.Chaos;

/// <summary>
/// The faults switched on across the cluster, as one versioned value: every change makes a new version, and a silo
/// applies a set only if it is newer than the one it holds, so a late copy never brings a reverted fault back.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FaultSet(long Version, ImmutableArray<InjectedFault> Active, long LastNumber)
{
    private const string IdPrefix = "fault-";

    /// <summary>No fault, version 0.</summary>
    public static FaultSet Empty { get; } = new(0, [], 0);

    /// <summary>Whether an injected storage outage is in the set.</summary>
    public bool StorageDown => Active.Any(f => f.Request.Kind == InjectedFaultKinds.StorageOutage);

    /// <summary>Adds a fault for <paramref name="request"/>; a bad request throws <see cref="ArgumentException"/>.</summary>
    public FaultSet Inject(FaultRequest request, DateTimeOffset at, out InjectedFault fault)
    {
        request.Validate();
        // Ids never come back, so reverting an old id cannot switch off a newer fault.
        fault = new InjectedFault(IdPrefix + (LastNumber + 1).ToString(CultureInfo.InvariantCulture), request, at);
        return new FaultSet(Version + 1, Active.Add(fault), LastNumber + 1);
    }

    /// <summary>Removes the faults that <paramref name="match"/> picks; the same set (same version) when none does.</summary>
    public FaultSet Revert(Func<InjectedFault, bool> match, out IReadOnlyList<InjectedFault> reverted)
    {
        reverted = Active.Where(match).ToList();
        return reverted.Count == 0 ? this : this with { Version = Version + 1, Active = Active.RemoveAll(f => match(f)) };
    }
}
