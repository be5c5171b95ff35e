using static ApexOrleans.Client.Evidence.Scorecard;
using ApexOrleans.Client.Scenarios;

namespace ApexOrleans.Client.Evidence;

/// <summary>
/// The criteria on the scenario's outage and on circuits: the outage stays isolated, its app recovers (on its own),
/// and no other circuit opens. Each says only what its evidence shows: no "opened" without an opening, no
/// "fallback" unless deliveries really failed over to one.
/// </summary>
public sealed class OutageCriteria(DayEvidence day)
{
    private readonly CriterionEvidence _evidence = day.Lines;

    private string App => _evidence.Outage!.App;

    /// <summary>The outage app's circuit opened in its window (or whatever met it down failed over), and every other app kept working.</summary>
    public Criterion Contained()
    {
        const string id = CriterionIds.CircuitBreaker;
        var title = _evidence.Outage is null ? "An outage stays isolated" : $"The {App} outage stays isolated";
        if (ExerciseRule.NothingToObserve(id, _evidence) is not null)
        {
            return Verdict.Judge(_evidence, id, title, CriterionLevel.Must, held: true, OutageFigures(), "");
        }

        var (from, to) = Window();
        var opened = _evidence.OutageTransitions.FirstOrDefault(t => t.To == "Open" && t.At >= from && t.At < to);
        var hits = _evidence.OutageHits;
        var failedOver = hits.Count(d => d.FailedOver);
        var others = _evidence.Deliveries.Where(d => d.Target != App && d.At >= from && d.At < to).ToList();
        var stuck = others.Count(d => !d.Ended);
        var contained = opened is not null || failedOver == hits.Count;
        return Verdict.Judge(_evidence, id, title, CriterionLevel.Must, contained && stuck == 0,
            Figures(("app", App), ("openedAt", opened?.At), ("deliveriesThatMetTheOutage", hits.Count), ("failedOverDuringOutage", failedOver),
                ("otherDeliveriesDuringOutage", others.Count), ("otherDeliveriesStuck", stuck)),
            !contained ? $"{hits.Count} deliveries met {App} down, yet its circuit never opened in its window and {hits.Count - failedOver} of them did not fail over"
            : stuck > 0 ? $"{stuck} deliveries to other apps did not complete"
            : (opened is not null ? $"{App}'s circuit opened at {opened.At:HH:mm:ss}"
                : $"{App}'s circuit did not open: every delivery that met it down ({hits.Count}) failed over to {_evidence.FallbackUsed}")
              + (others.Count > 0 ? $"; every other app kept working ({others.Count} deliveries)" : "; no other app had a delivery in the window"));
    }

    /// <summary>The outage app's circuit is closed again (or nothing waits for it) and its queue drained.</summary>
    public Criterion Recovered()
    {
        const string id = CriterionIds.Recovery;
        var title = _evidence.Outage is null ? "The outage recovers" : $"{App} recovers and its queue drains once";
        if (ExerciseRule.NothingToObserve(id, _evidence) is not null)
        {
            return Verdict.Judge(_evidence, id, title, CriterionLevel.Must, held: true, OutageFigures(), "");
        }

        var status = _evidence.Circuits.Circuits[App].Status;
        var closed = _evidence.OutageTransitions.LastOrDefault(t => t.To == "Closed");
        var opened = _evidence.OutageTransitions.LastOrDefault(t => t.To == "Open");
        var queue = day.QueueOf(App);
        // An app with a fallback may end with its circuit never probed again: everything after it opened went to the fallback.
        var handedOn = status != "Closed" && opened is not null && queue.FailedOver > 0
            && _evidence.Deliveries.Where(d => d.Target == App && d.Role == "Target" && d.At >= opened.At).All(d => d.FailedOver);
        var passed = (status == "Closed" || handedOn) && queue.Pending == 0 && queue.DeadLetters == 0;
        var (_, to) = Window();
        return Verdict.Judge(_evidence, id, title, CriterionLevel.Must, passed,
            Figures(("closedAt", closed?.At), ("recoveryAfterOutageMs", closed is null || to == DateTimeOffset.MaxValue ? null : (closed.At - to).TotalMilliseconds),
                ("pending", queue.Pending), ("deadLetters", queue.DeadLetters), ("failedOver", queue.FailedOver)),
            !passed ? $"{App} is {status} with {queue.Pending} pending and {queue.DeadLetters} dead-lettered"
            : handedOn ? $"{App}'s circuit opened at {opened!.At:HH:mm:ss} and was not probed again: nothing waited for it, everything after went to its fallback {_evidence.FallbackUsed}"
            : closed is not null ? $"{App}'s circuit closed at {closed.At:HH:mm:ss}; nothing is left pending or dead-lettered"
            : $"{App}'s circuit never opened: " + (queue.FailedOver > 0 ? $"what met it down failed over to {_evidence.FallbackUsed}" : "what met it down was retried")
              + "; nothing is left pending or dead-lettered");
    }

    /// <summary>No circuit but the outage app's opened: failures did not spill over to other apps.</summary>
    public Criterion NoSpill()
    {
        var outageApp = _evidence.Outage?.App;
        var opened = _evidence.Circuits.Circuits.Where(c => c.Key != outageApp && c.Value.Transitions.Any(t => t.To == "Open")).Select(c => c.Key).ToList();
        return Verdict.Judge(_evidence, CriterionIds.Isolation, "Circuit breakers isolate failures", CriterionLevel.Should, opened.Count == 0,
            Figures(("otherCircuitsOpened", opened.Count)),
            opened.Count > 0 ? $"also opened: {string.Join(", ", opened)}" : outageApp is null ? "no app's circuit opened" : $"no circuit but {outageApp}'s opened");
    }

    /// <summary>The outage app's circuit, once open, closed by its own probes before the last beat.</summary>
    public Criterion AutonomousRecovery()
    {
        const string id = CriterionIds.AutonomousRecovery;
        const string title = "The system recovers autonomously";
        if (ExerciseRule.NothingToObserve(id, _evidence) is not null)
        {
            return Verdict.Judge(_evidence, id, title, CriterionLevel.Should, held: true, OutageFigures(), "");
        }

        var closed = _evidence.OutageTransitions.LastOrDefault(t => t.To == "Closed");
        var status = _evidence.Circuits.Circuits[App].Status;
        var lastBeat = day.Scenario.Beats[^1].Time;
        var passed = closed is not null && closed.At <= lastBeat && status == "Closed";
        return Verdict.Judge(_evidence, id, title, CriterionLevel.Should, passed,
            Figures(("openedAt", _evidence.OutageOpenedAt), ("closedAt", closed?.At), ("lastBeatAt", lastBeat)),
            passed ? $"{App}'s circuit opened at {_evidence.OutageOpenedAt:HH:mm:ss} and closed at {closed!.At:HH:mm:ss}, by probes on its own clock, with no action from the runner"
            : status != "Closed" ? $"{App}'s circuit is still {status}"
            : $"{App}'s circuit closed only at {closed?.At:HH:mm:ss}, after the last beat");
    }

    /// <summary>The outage's window on the run's clock: from its first beat's time to its last beat's (open-ended past the last beat).</summary>
    private (DateTimeOffset From, DateTimeOffset To) Window()
    {
        var outage = _evidence.Outage!;
        var beats = day.Scenario.Beats;
        var from = beats[Math.Clamp(outage.FromBeat, 1, beats.Count) - 1].Time;
        var to = outage.ToBeat <= beats.Count ? beats[outage.ToBeat - 1].Time : DateTimeOffset.MaxValue;
        return (from, to);
    }

    private Dictionary<string, object?> OutageFigures() => _evidence.Outage is { } o
        ? Figures(("app", o.App), ("fromBeat", o.FromBeat), ("toBeat", o.ToBeat), ("deliveriesThatMetTheOutage", 0))
        : Figures();
}
