using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Client.Verification;

/// <summary>
/// The control run's own history (<c>control/</c>) checked the way the run's is: every beat published once and accepted
/// with no scripted repeat, a ledger that re-rolls to nothing (the control has no chaos), circuit transitions that agree
/// with its attempts, and its recorded effects applied again leading to <c>control-state.json</c>. The final state is
/// compared with a control whose own evidence holds, not with a file that merely agrees with it.
/// </summary>
public static class ControlCheck
{
    /// <summary>The name of the invariant in <c>apex verify</c>'s report.</summary>
    public const string Name = "the control's own history checked the same way";

    /// <summary>Checks the control history in <paramref name="files"/> against <paramref name="scenario"/> replayed without chaos.</summary>
    public static InvariantCheck Check(Scenario scenario, IReadOnlyDictionary<string, string> files)
    {
        var (events, receipts, injections, circuits) = EvidenceBundle.ReadHistory(files, "control/");
        var checks = new[]
        {
            BeatsCheck.Check(scenario.WithoutChaos(), events, receipts),
            LedgerCheck.Check(ChaosSettings.None, "the control, without chaos,", events, injections, "control/"),
            CircuitsCheck.Check(circuits, events.Where(e => e.Kind == "delivery").ToList(), new RunSettings().Circuit, scenario.Beats.Select(b => b.Time).ToList()),
            FinalStateCheck.Check(scenario.Catalog!, events, receipts, "control-state.json", files["control-state.json"], "control/receipts.jsonl"),
        };
        var failed = checks.Where(c => !c.Passed).ToList();
        return new InvariantCheck(Name, failed.Count == 0, failed.Count == 0
            ? $"{events.Count(e => e.Kind == "publish")} publishes, {events.Count(e => e.Kind == "delivery")} deliveries and {receipts.Count(r => r.Kind == "apply")} applies "
              + "of the run without chaos: every beat accepted once, no injection, circuits as its attempts put them, and its effects lead to control-state.json"
            : string.Join("; ", failed.Select(c => $"control: {c.Name}: {c.Detail}")));
    }
}
