using static ApexOrleans.Client.Evidence.Scorecard;
using ApexOrleans.Client.Scenarios;

namespace ApexOrleans.Client.Evidence;

/// <summary>
/// The criteria on the scenario's outage and on circuits: the outage stays isolated, its app recovers (on its own),
/// and no other circuit opens. Each says only what its evidence shows: no "opened" without an opening, no
/// "fallback" unless deliveries really failed over to one.
/// </summary>
public sealed class OutageCriteria(RunRecord run, CriterionEvidence evidence)
{
    private string App => evidence.Outage!.App;

    /// <summary>The outage app's circuit opened in its window (or whatever met it down failed over), and every other app kept working.</summary>
    public Criterion Contained()
    {
        const string id = CriterionIds.CircuitBreaker;
        var title = evidence.Outage is null ? "An outage stays isolated" : $"The {App} outage stays isolated";
        if (ExerciseRule.NothingToObserve(id, evidence) is not null)
        {
            return Verdict.Judge(evidence, id, title, CriterionLevel.Must, held: true, OutageFigures(), "");
        }

        var (from, to) = Window();
        var opened = evidence.OutageTransitions.FirstOrDefault(t => t.To == "Open" && t.At >= from && t.At < to);
        var hits = evidence.OutageHits;
        var failedOver = hits.Count(d => d.FailedOver);
        var others = evidence.Deliveries.Where(d => d.Target != App && d.At >= from && d.At < to).ToList();
        var stuck = others.Count(d => !d.Ended);
        var contained = opened is not null || failedOver == hits.Count;
        return Verdict.Judge(evidence, id, title, CriterionLevel.Must, contained && stuck == 0,
            Figures(("app", App), ("openedAt", opened?.At), ("deliveriesThatMetTheOutage", hits.Count), ("failedOverDuringOutage", failedOver),
                ("otherDeliveriesDuringOutage", others.Count), ("otherDeliveriesStuck", stuck)),
            !contained ? $"{hits.Count} deliveries met {App} down, yet its circuit never opened in its window and {hits.Count - failedOver} of them did not fail over"
            : stuck > 0 ? $"{stuck} deliveries to other apps did not complete"
            : (opened is not null ? $"{App}'s circuit opened at {opened.At:HH:mm:ss}"
                : $"{App}'s circuit did not open: every delivery that met it down ({hits.Count}) failed over to {evidence.FallbackUsed}")
              + (others.Count > 0 ? $"; every other app kept working ({others.Count} deliveries)" : "; no other app had a delivery in the window"));
    }

    /// <summary>The outage app's circuit is closed again (or nothing waits for it) and its queue drained.</summary>
    public Criterion Recovered()
    {
        const string id = CriterionIds.Recovery;
        var title = evidence.Outage is null ? "The outage recovers" : $"{App} recovers and its queue drains once";
        if (ExerciseRule.NothingToObserve(id, evidence) is not null)
        {
            return Verdict.Judge(evidence, id, title, CriterionLevel.Must, held: true, OutageFigures(), "");
        }

        var status = evidence.Circuits.Circuits[App].Status;
        var closed = evidence.OutageTransitions.LastOrDefault(t => t.To == "Closed");
        var opened = evidence.OutageTransitions.LastOrDefault(t => t.To == "Open");
        var queue = run.Queues[App];
        // An app with a fallback may end with its circuit never probed again: everything after it opened went to the fallback.
        var handedOn = status != "Closed" && opened is not null && queue.FailedOverCount > 0
            && evidence.Deliveries.Where(d => d.Target == App && d.Role == "Target" && d.At >= opened.At).All(d => d.FailedOver);
        var passed = (status == "Closed" || handedOn) && queue.PendingCount == 0 && queue.DeadLetters.Count == 0;
        var (_, to) = Window();
        return Verdict.Judge(evidence, id, title, CriterionLevel.Must, passed,
            Figures(("closedAt", closed?.At), ("recoveryAfterOutageMs", closed is null || to == DateTimeOffset.MaxValue ? null : (closed.At - to).TotalMilliseconds),
                ("pending", queue.PendingCount), ("deadLetters", queue.DeadLetters.Count), ("failedOver", queue.FailedOverCount)),
            !passed ? $"{App} is {status} with {queue.PendingCount} pending and {queue.DeadLetters.Count} dead-lettered"
            : handedOn ? $"{App}'s circuit opened at {opened!.At:HH:mm:ss} and was not probed again: nothing waited for it, everything after went to its fallback {evidence.FallbackUsed}"
            : closed is not null ? $"{App}'s circuit closed at {closed.At:HH:mm:ss}; nothing is left pending or dead-lettered"
            : $"{App}'s circuit never opened: " + (queue.FailedOverCount > 0 ? $"what met it down failed over to {evidence.FallbackUsed}" : "what met it down was retried")
              + "; nothing is left pending or dead-lettered");
    }

    /// <summary>No circuit but the outage app's opened: failures did not spill over to other apps.</summary>
    public Criterion NoSpill()
    {
        var outageApp = evidence.Outage?.App;
        var opened = evidence.Circuits.Circuits.Where(c => c.Key != outageApp && c.Value.Transitions.Any(t => t.To == "Open")).Select(c => c.Key).ToList();
        return Verdict.Judge(evidence, CriterionIds.Isolation, "Circuit breakers isolate failures", CriterionLevel.Should, opened.Count == 0,
            Figures(("otherCircuitsOpened", opened.Count)),
            opened.Count > 0 ? $"also opened: {string.Join(", ", opened)}" : outageApp is null ? "no app's circuit opened" : $"no circuit but {outageApp}'s opened");
    }

    /// <summary>The outage app's circuit, once open, closed by its own probes before the last beat.</summary>
    public Criterion AutonomousRecovery()
    {
        const string id = CriterionIds.AutonomousRecovery;
        const string title = "The system recovers autonomously";
        if (ExerciseRule.NothingToObserve(id, evidence) is not null)
        {
            return Verdict.Judge(evidence, id, title, CriterionLevel.Should, held: true, OutageFigures(), "");
        }

        var closed = evidence.OutageTransitions.LastOrDefault(t => t.To == "Closed");
        var status = evidence.Circuits.Circuits[App].Status;
        var lastBeat = run.Scenario.Beats[^1].Time;
        var passed = closed is not null && closed.At <= lastBeat && status == "Closed";
        return Verdict.Judge(evidence, id, title, CriterionLevel.Should, passed,
            Figures(("openedAt", evidence.OutageOpenedAt), ("closedAt", closed?.At), ("lastBeatAt", lastBeat)),
            passed ? $"{App}'s circuit opened at {evidence.OutageOpenedAt:HH:mm:ss} and closed at {closed!.At:HH:mm:ss}, by probes on its own clock, with no action from the runner"
            : status != "Closed" ? $"{App}'s circuit is still {status}"
            : $"{App}'s circuit closed only at {closed?.At:HH:mm:ss}, after the last beat");
    }

    /// <summary>The outage's window on the run's clock: from its first beat's time to its last beat's (open-ended past the last beat).</summary>
    private (DateTimeOffset From, DateTimeOffset To) Window()
    {
        var outage = evidence.Outage!;
        var beats = run.Scenario.Beats;
        var from = beats[Math.Clamp(outage.FromBeat, 1, beats.Count) - 1].Time;
        var to = outage.ToBeat <= beats.Count ? beats[outage.ToBeat - 1].Time : DateTimeOffset.MaxValue;
        return (from, to);
    }

    private Dictionary<string, object?> OutageFigures() => evidence.Outage is { } o
        ? Figures(("app", o.App), ("fromBeat", o.FromBeat), ("toBeat", o.ToBeat), ("deliveriesThatMetTheOutage", 0))
        : Figures();
}
