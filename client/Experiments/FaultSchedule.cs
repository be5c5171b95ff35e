namespace ApexOrleans.Client.Experiments;

/// <summary>Where one fault of the method stands: waiting for its time, on, or done with (reverted, or never injected).</summary>
internal enum FaultState
{
    /// <summary>Its start has not come.</summary>
    Waiting,

    /// <summary>Injected and not yet reverted.</summary>
    On,

    /// <summary>Reverted, or stopped before it was ever injected.</summary>
    Done,
}

/// <summary>One fault of the method as it goes: where it stands, its id at the silo, and when and by what it went on and off.</summary>
internal sealed class ScheduledFault(FaultStep step)
{
    /// <summary>The fault as the experiment file gives it.</summary>
    public FaultStep Step { get; } = step;

    /// <summary>Where it stands.</summary>
    public FaultState State { get; private set; }

    /// <summary>Its id at the silo, for faults the silo injects (not a burst or a key replay).</summary>
    public string? SiloFaultId { get; private set; }

    /// <summary>When it went on.</summary>
    public DateTimeOffset? InjectedAt { get; private set; }

    /// <summary>When it went off (never set for a fault that was never on).</summary>
    public DateTimeOffset? RevertedAt { get; private set; }

    /// <summary>What switched it off, as the journal says it.</summary>
    public string? RevertedBy { get; private set; }

    /// <summary>It went on at <paramref name="at"/>.</summary>
    public void SwitchedOn(string? siloFaultId, DateTimeOffset at) => (State, SiloFaultId, InjectedAt) = (FaultState.On, siloFaultId, at);

    /// <summary>It went off at <paramref name="at"/>, switched off by <paramref name="by"/>.</summary>
    public void SwitchedOff(string by, DateTimeOffset at) => (State, RevertedAt, RevertedBy) = (FaultState.Done, at, by);

    /// <summary>The method stopped before its start came.</summary>
    public void Skipped() => (State, RevertedBy) = (FaultState.Done, FaultSchedule.NeverInjected);

    /// <summary>The journal's record of it.</summary>
    public InjectionRecord Record() => new(Step.Kind, Step.Describe(), SiloFaultId, InjectedAt, RevertedAt, RevertedBy ?? FaultSchedule.NeverInjected);
}

/// <summary>
/// The method's faults on their schedule: which are due on or off at a moment since the method started, which are on,
/// and when the last one went off (recovery is measured from there).
/// </summary>
internal sealed class FaultSchedule(IReadOnlyList<FaultStep> steps)
{
    /// <summary>Switched off because its time was up.</summary>
    public const string BySchedule = "schedule";

    /// <summary>Switched off as the run ended, whatever ended it.</summary>
    public const string AtTheEnd = "end of the experiment";

    /// <summary>The method stopped before its start came.</summary>
    public const string NeverInjected = "never injected";

    /// <summary>Every fault, in the method's order.</summary>
    public IReadOnlyList<ScheduledFault> Faults { get; } = steps.Select(s => new ScheduledFault(s)).ToList();

    /// <summary>When the last fault that was on went off; null while none has.</summary>
    public DateTimeOffset? LastRevert => Faults.Max(f => f.RevertedAt);

    /// <summary>Whether a fault is on now.</summary>
    public bool AnyOn => Faults.Any(f => f.State == FaultState.On);

    /// <summary>What the faults on now do, in words.</summary>
    public IReadOnlyList<string> OnNow => Faults.Where(f => f.State == FaultState.On).Select(f => f.Step.Describe()).ToList();

    /// <summary>The faults due at <paramref name="elapsed"/> into the method: waiting ones whose start has come (to go on), and ones on whose time is up (to go off).</summary>
    public IReadOnlyList<ScheduledFault> DueAt(TimeSpan elapsed) =>
        Faults.Where(f => (f.State == FaultState.Waiting && elapsed >= f.Step.At) || (f.State == FaultState.On && elapsed >= f.Step.At + f.Step.For)).ToList();

    /// <summary>Whether the method is over: its <paramref name="duration"/> has passed and no fault is waiting or on.</summary>
    public bool IsOver(TimeSpan elapsed, TimeSpan duration) => elapsed >= duration && Faults.All(f => f.State == FaultState.Done);

    /// <summary>The first fault on here that the silo no longer has among <paramref name="siloFaultIds"/>: its own kill switch took it off.</summary>
    public ScheduledFault? SwitchedOffAtSilo(IEnumerable<string> siloFaultIds)
    {
        var atSilo = siloFaultIds.ToHashSet(StringComparer.Ordinal);
        return Faults.FirstOrDefault(f => f.State == FaultState.On && f.SiloFaultId is { } id && !atSilo.Contains(id));
    }

    /// <summary>Every fault off at once: those on are switched off by <paramref name="by"/> at <paramref name="at"/>, those waiting will never go on.</summary>
    public void AllOff(string by, DateTimeOffset at)
    {
        foreach (var fault in Faults)
        {
            if (fault.State == FaultState.On)
            {
                fault.SwitchedOff(by, at);
            }
            else if (fault.State == FaultState.Waiting)
            {
                fault.Skipped();
            }
        }
    }

    /// <summary>The journal's record of every fault.</summary>
    public IReadOnlyList<InjectionRecord> Injections() => Faults.Select(f => f.Record()).ToList();
}
