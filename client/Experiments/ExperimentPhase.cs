namespace ApexOrleans.Client.Experiments;

/// <summary>The phases of an experiment run, in the order they can come.</summary>
internal enum ExperimentPhase
{
    /// <summary>The control day and the traffic starting: nothing is sampled yet.</summary>
    Setup,

    /// <summary>The steady state watched before any fault.</summary>
    Before,

    /// <summary>The faults on and off on their schedule, the expected probes, the safeguards and the kill switch watched.</summary>
    Method,

    /// <summary>From the last fault reverted until the steady state is back and the tenants of the method have settled.</summary>
    Recovery,

    /// <summary>The steady state watched again.</summary>
    After,

    /// <summary>The traffic stopped; its tenants settled, scored and checked against the end-of-run probes.</summary>
    Settle,
}

/// <summary>What the next phase depends on, as a phase ends: a halt, whether every check so far held, and whether a fault was reverted.</summary>
internal readonly record struct PhaseEnd(bool Halted, bool ChecksHeld, bool FaultReverted);

/// <summary>The phase to go to, with a note for the journal when a phase is skipped for a reason its reader should see.</summary>
internal readonly record struct PhaseTransition(ExperimentPhase To, string? Note = null);

/// <summary>
/// The run's transition table, and the names its phases have in the journal. Ctrl-C is not in the table: from any
/// phase it goes straight to <see cref="ExperimentPhase.Settle"/>, every fault reverted on the way.
/// </summary>
internal static class ExperimentPhases
{
    // The first row that matches wins. Every path watches the steady state after, whatever stopped the method, so the
    // journal always says whether the mesh came back.
    private static readonly (ExperimentPhase From, Func<PhaseEnd, bool> When, PhaseTransition Then)[] Table =
    [
        (ExperimentPhase.Before, e => !e.Halted && e.ChecksHeld, new(ExperimentPhase.Method)),
        (ExperimentPhase.Before, e => !e.Halted, new(ExperimentPhase.After, "the steady state did not hold before the method: no fault was injected")),
        (ExperimentPhase.Before, _ => true, new(ExperimentPhase.After)),
        (ExperimentPhase.Method, e => e.FaultReverted, new(ExperimentPhase.Recovery)),
        (ExperimentPhase.Method, _ => true, new(ExperimentPhase.After)),
        (ExperimentPhase.Recovery, _ => true, new(ExperimentPhase.After)),
        (ExperimentPhase.After, _ => true, new(ExperimentPhase.Settle)),
    ];

    /// <summary>The first phase the table runs.</summary>
    public const ExperimentPhase First = ExperimentPhase.Before;

    /// <summary>The phase after <paramref name="from"/>, which ended as <paramref name="end"/> says; <see cref="ExperimentPhase.Settle"/> is the last.</summary>
    public static PhaseTransition Next(ExperimentPhase from, PhaseEnd end)
    {
        foreach (var (phase, when, then) in Table)
        {
            if (phase == from && when(end))
            {
                return then;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(from), from, "no phase follows it");
    }

    /// <summary>The phase as samples name it.</summary>
    public static string Name(this ExperimentPhase phase) => phase switch
    {
        ExperimentPhase.Setup => "setup",
        ExperimentPhase.Before => "before",
        ExperimentPhase.Method => "method",
        ExperimentPhase.Recovery => "recovery",
        ExperimentPhase.After => "after",
        ExperimentPhase.Settle => "settle",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    /// <summary>The phase as the checks made in it name it: the method's are "during", the settled traffic's "end".</summary>
    public static string CheckName(this ExperimentPhase phase) => phase switch
    {
        ExperimentPhase.Method => "during",
        ExperimentPhase.Settle => "end",
        _ => phase.Name(),
    };
}
