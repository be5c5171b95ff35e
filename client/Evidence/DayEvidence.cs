using ApexOrleans.Client.Scenarios;

namespace ApexOrleans.Client.Evidence;

/// <summary>How one app's queue ended, as its delivery lines show it.</summary>
public sealed record QueueEnd(int Pending, int DeadLetters, int FailedOver);

/// <summary>
/// What a scorecard is computed from: the scenario, the bundle's lines, and the final and control states. It is exactly
/// what a bundle holds, so <c>apex verify</c> computes the same scorecard again from the bundle alone.
/// </summary>
public sealed class DayEvidence(Scenario scenario, EvidenceFiles files, string finalState, string controlState)
{
    /// <summary>The scenario the day replayed.</summary>
    public Scenario Scenario { get; } = scenario;

    /// <summary>The lines the criteria observe, with the scenario's outages.</summary>
    public CriterionEvidence Lines { get; } = CriterionEvidence.Of(files, ScenarioOutage.Of(scenario.Chaos.Outages));

    /// <summary>final-state.json, read.</summary>
    public FinalState Final { get; } = FinalState.Parse(finalState);

    /// <summary>Whether the day under chaos ended exactly where its control did.</summary>
    public bool FinalEqualsControl { get; } = finalState == controlState;

    /// <summary>Publishes the mesh refused as repeats (duplicate, in progress, conflict), from the receipts' refusal lines.</summary>
    public int RefusedPublishes { get; } = files.Receipts.Count(r => r.Kind == "refusal");

    /// <summary>How <paramref name="app"/>'s queue ended: its deliveries still pending, dead-lettered, and failed over.</summary>
    public QueueEnd QueueOf(string app)
    {
        var deliveries = Lines.Deliveries.Where(d => d.Target == app).ToList();
        return new QueueEnd(deliveries.Count(d => d.Status == "pending"), deliveries.Count(d => d.Status == "dead-letter"), deliveries.Count(d => d.Status == "failed-over"));
    }

    /// <summary>The evidence of a run, as its bundle will hold it.</summary>
    public static DayEvidence Of(RunRecord run, EvidenceFiles files) => new(run.Scenario, files, run.FinalState, run.ControlState);
}
