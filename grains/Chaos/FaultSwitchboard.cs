using System.Collections.Immutable;
using System.Globalization;

namespace ApexOrleans.Grains.Chaos;

/// <summary>
/// The faults switched on in this silo right now. Experiments turn them on and off while tenants run; delivery
/// grains and grain storage consult it on every attempt and every call. Reverting is immediate: the next check
/// sees the fault gone, which is what makes the kill switch take effect in milliseconds.
/// </summary>
public sealed class FaultSwitchboard(TimeProvider wallClock)
{
    private readonly Lock _gate = new();
    private ImmutableArray<InjectedFault> _active = [];
    private long _nextId;

    /// <summary>The faults on now, oldest first.</summary>
    public IReadOnlyList<InjectedFault> Active => _active;

    /// <summary>Whether an injected storage outage is on.</summary>
    public bool StorageDown { get; private set; }

    /// <summary>Switches a fault on; a bad request throws <see cref="ArgumentException"/> and changes nothing.</summary>
    public InjectedFault Inject(FaultRequest request)
    {
        request.Validate();
        lock (_gate)
        {
            var fault = new InjectedFault($"fault-{(++_nextId).ToString(CultureInfo.InvariantCulture)}", request, wallClock.GetUtcNow());
            Publish(_active.Add(fault));
            return fault;
        }
    }

    /// <summary>Switches one fault off; false when it was not on.</summary>
    public bool Revert(string id)
    {
        lock (_gate)
        {
            var before = _active.Length;
            Publish(_active.RemoveAll(f => f.Id == id));
            return _active.Length != before;
        }
    }

    /// <summary>Switches off every fault of <paramref name="owner"/> (every fault when null): the kill switch. Returns what was switched off.</summary>
    public IReadOnlyList<InjectedFault> RevertAll(string? owner)
    {
        lock (_gate)
        {
            var reverted = _active.Where(f => owner is null || f.Request.Owner == owner).ToList();
            Publish(_active.RemoveAll(f => owner is null || f.Request.Owner == owner));
            return reverted;
        }
    }

    /// <summary>The outage decision for an attempt of <paramref name="tenant"/> to <paramref name="target"/>, when one is on.</summary>
    public ChaosDecision? Decide(string tenant, string target)
    {
        foreach (var fault in _active)
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
        foreach (var fault in _active)
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

    private void Publish(ImmutableArray<InjectedFault> active)
    {
        _active = active;
        StorageDown = active.Any(f => f.Request.Kind == InjectedFaultKinds.StorageOutage);
    }
}
