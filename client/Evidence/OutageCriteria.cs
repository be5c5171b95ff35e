using static ApexOrleans.Client.Evidence.Scorecard;
using ApexOrleans.Client.Scenarios;

namespace ApexOrleans.Client.Evidence;

/// <summary>
/// The criteria on the scenario's outages and on circuits: each outage stays isolated, its app recovers (on its own),
/// and no other circuit opens. Each outage a delivery met is judged on its own and the criterion holds when every one
/// does; an outage nothing met is named in the detail. Each says only what its evidence shows: no "opened" without an
/// opening, no "fallback" unless deliveries really failed over to one.
/// </summary>
public sealed class OutageCriteria(DayEvidence day)
{
    private readonly CriterionEvidence _evidence = day.Lines;

    /// <summary>One outage's judgement: whether it held, its figures, and why.</summary>
    private sealed record Judgement(bool Held, Dictionary<string, object?> Figures, string Detail);

    /// <summary>Each outage's app's circuit opened in its window (or whatever met it down failed over), and every other app kept working.</summary>
    public Criterion Contained() => Combine(CriterionIds.CircuitBreaker, CriterionLevel.Must, outages => outages switch
    {
        [var one] => $"The {one.Outage.App} outage stays isolated",
        { Count: > 1 } => $"Each of {outages.Count} outages stays isolated",
        _ => "An outage stays isolated",
    }, o => o.FirstHitAt is not null, o =>
    {
        var app = o.Outage.App;
        var (from, to) = Window(o.Outage);
        var opened = o.Transitions.FirstOrDefault(t => t.To == "Open" && t.At >= from && t.At < to);
        var failedOver = o.Hits.Count(d => d.FailedOver);
        // Apps down in a window that overlaps this one are not expected to keep working in it.
        var down = _evidence.Outages.Where(x => x.Outage.FromBeat < o.Outage.ToBeat && o.Outage.FromBeat < x.Outage.ToBeat).Select(x => x.Outage.App).ToHashSet();
        var others = _evidence.Deliveries.Where(d => !down.Contains(d.Target!) && d.At >= from && d.At < to).ToList();
        var stuck = others.Count(d => !d.Ended);
        var contained = opened is not null || failedOver == o.Hits.Count;
        return new Judgement(contained && stuck == 0,
            Figures(("app", app), ("openedAt", opened?.At), ("deliveriesThatMetTheOutage", o.Hits.Count), ("failedOverDuringOutage", failedOver),
                ("otherDeliveriesDuringOutage", others.Count), ("otherDeliveriesStuck", stuck)),
            !contained ? $"{o.Hits.Count} deliveries met {app} down, yet its circuit never opened in its window and {o.Hits.Count - failedOver} of them did not fail over"
            : stuck > 0 ? $"{stuck} deliveries to apps that were up did not complete"
            : (opened is not null ? $"{app}'s circuit opened at {opened.At:HH:mm:ss}"
                : $"{app}'s circuit did not open: every delivery that met it down ({o.Hits.Count}) failed over to {o.FallbackUsed}")
              + (others.Count > 0 ? $"; every app that was up kept working ({others.Count} deliveries)" : "; no app that was up had a delivery in the window"));
    });

    /// <summary>Each outage's app's circuit is closed again (or nothing waits for it) and its queue drained.</summary>
    public Criterion Recovered() => Combine(CriterionIds.Recovery, CriterionLevel.Must, outages => outages switch
    {
        [var one] => $"{one.Outage.App} recovers and its queue drains once",
        { Count: > 1 } => $"Each of {outages.Count} outages recovers and its app's queue drains once",
        _ => "The outage recovers",
    }, o => o.FirstHitAt is not null, o =>
    {
        var app = o.Outage.App;
        var status = o.IsLastOfItsApp ? _evidence.Circuits.Circuits[app].Status : o.Transitions.LastOrDefault()?.To ?? "Closed";
        var closed = o.Transitions.LastOrDefault(t => t.To == "Closed");
        var opened = o.Transitions.LastOrDefault(t => t.To == "Open");
        var queue = day.QueueOf(app);
        // An app with a fallback may end with its circuit never probed again: everything after it opened went to the fallback.
        var handedOn = status != "Closed" && opened is not null && queue.FailedOver > 0
            && _evidence.Deliveries.Where(d => d.Target == app && d.Role == "Target" && d.At >= opened.At && (o.NextHitAt is null || d.At < o.NextHitAt)).All(d => d.FailedOver);
        // Before the app's next outage, recovering means what reached it meanwhile got through: its circuit may not be probed again in between.
        var throughBeforeNext = !o.IsLastOfItsApp && _evidence.Deliveries.Where(d => d.Target == app && d.At >= o.FirstHitAt && d.At < o.NextHitAt).All(d => d.Ended);
        var passed = (status == "Closed" || handedOn || throughBeforeNext) && queue.Pending == 0 && queue.DeadLetters == 0;
        var (_, to) = Window(o.Outage);
        return new Judgement(passed,
            Figures(("closedAt", closed?.At), ("recoveryAfterOutageMs", closed is null || to == DateTimeOffset.MaxValue ? null : (closed.At - to).TotalMilliseconds),
                ("pending", queue.Pending), ("deadLetters", queue.DeadLetters), ("failedOver", queue.FailedOver)),
            !passed ? $"{app} is {status} with {queue.Pending} pending and {queue.DeadLetters} dead-lettered"
            : handedOn ? $"{app}'s circuit opened at {opened!.At:HH:mm:ss} and was not probed again: nothing waited for it, everything after went to its fallback {o.FallbackUsed}"
            : closed is not null ? $"{app}'s circuit closed at {closed.At:HH:mm:ss}; nothing is left pending or dead-lettered"
            : status != "Closed" && throughBeforeNext ? $"{app}'s circuit was still {status} when its next outage began, and every delivery to it before then got through"
            : $"{app}'s circuit never opened: " + (queue.FailedOver > 0 ? $"what met it down failed over to {o.FallbackUsed}" : "what met it down was retried")
              + "; nothing is left pending or dead-lettered");
    });

    /// <summary>No circuit opened but an outage app's, after a delivery met it down in a window: failures did not spill over.</summary>
    public Criterion NoSpill()
    {
        var down = _evidence.Outages.Select(o => o.Outage.App).Distinct().Order(StringComparer.Ordinal).ToList();
        var opened = _evidence.Circuits.Circuits
            .Where(c => c.Value.Transitions.Any(t => t.To == "Open" && !_evidence.Outages.Any(o => o.Outage.App == c.Key && o.Transitions.Contains(t))))
            .Select(c => c.Key).ToList();
        return Verdict.Judge(_evidence, CriterionIds.Isolation, "Circuit breakers isolate failures", CriterionLevel.Should, opened.Count == 0,
            Figures(("otherCircuitsOpened", opened.Count)),
            opened.Count > 0 ? $"also opened: {string.Join(", ", opened)}" : down.Count == 0 ? "no app's circuit opened" : $"no circuit but {string.Join(" and ", down)}'s opened");
    }

    /// <summary>Each outage's app's circuit, once open, closed by its own probes before the last beat.</summary>
    public Criterion AutonomousRecovery() => Combine(CriterionIds.AutonomousRecovery, CriterionLevel.Should, _ => "The system recovers autonomously",
        o => o.OpenedAt is not null, o =>
        {
            var app = o.Outage.App;
            var closed = o.Transitions.LastOrDefault(t => t.To == "Closed");
            var status = o.IsLastOfItsApp ? _evidence.Circuits.Circuits[app].Status : o.Transitions.LastOrDefault()?.To ?? "Closed";
            var lastBeat = day.Scenario.Beats[^1].Time;
            var passed = closed is not null && closed.At <= lastBeat && status == "Closed";
            return new Judgement(passed,
                Figures(("openedAt", o.OpenedAt), ("closedAt", closed?.At), ("lastBeatAt", lastBeat)),
                passed ? $"{app}'s circuit opened at {o.OpenedAt:HH:mm:ss} and closed at {closed!.At:HH:mm:ss}, by probes on its own clock, with no action from the runner"
                : status != "Closed" ? $"{app}'s circuit is still {status}"
                : $"{app}'s circuit closed only at {closed?.At:HH:mm:ss}, after the last beat");
        });

    /// <summary>
    /// Judges every outage <paramref name="judged"/> selects with <paramref name="judge"/>: one outage keeps its figures
    /// as they are, several name theirs by outage (<c>trutalk@7-10.openedAt</c>). The criterion holds when each judged outage does.
    /// </summary>
    private Criterion Combine(string id, CriterionLevel level, Func<IReadOnlyList<OutageEvidence>, string> titleOf, Func<OutageEvidence, bool> judged, Func<OutageEvidence, Judgement> judge)
    {
        var outages = _evidence.Outages;
        var title = titleOf(outages);

        var judgements = outages.Where(judged).Select(o => (Outage: o, Judgement: judge(o))).ToList();
        if (judgements.Count == 0)
        {
            return Verdict.Judge(_evidence, id, title, level, held: true, NotMetFigures(), "");
        }

        var figures = judgements.Count == 1 && outages.Count == 1
            ? judgements[0].Judgement.Figures
            : judgements.SelectMany(j => j.Judgement.Figures.Select(f => KeyValuePair.Create($"{j.Outage.Outage.App}@{j.Outage.Outage.FromBeat}-{j.Outage.Outage.ToBeat}.{f.Key}", f.Value)))
                .ToDictionary();
        var unmet = outages.Where(o => !judged(o)).Select(o => o.Hits.Count == 0 ? ExerciseRule.WhyNotMet(o, _evidence.Deliveries) : $"{o.Outage.App}'s circuit never opened in {o.Outage}");
        var detail = string.Join("; ", judgements.Select(j => outages.Count > 1 ? $"{j.Outage.Outage}: {j.Judgement.Detail}" : j.Judgement.Detail).Concat(unmet.Select(u => $"not judged: {u}")));
        return Verdict.Judge(_evidence, id, title, level, judgements.All(j => j.Judgement.Held), figures, detail);
    }

    /// <summary>An outage's window on the run's clock: from its first beat's time to its last beat's (open-ended past the last beat).</summary>
    private (DateTimeOffset From, DateTimeOffset To) Window(ScenarioOutage outage)
    {
        var beats = day.Scenario.Beats;
        var from = beats[Math.Clamp(outage.FromBeat, 1, beats.Count) - 1].Time;
        var to = outage.ToBeat <= beats.Count ? beats[outage.ToBeat - 1].Time : DateTimeOffset.MaxValue;
        return (from, to);
    }

    private Dictionary<string, object?> NotMetFigures() => _evidence.Outages switch
    {
        [var o] => Figures(("app", o.Outage.App), ("fromBeat", o.Outage.FromBeat), ("toBeat", o.Outage.ToBeat), ("deliveriesThatMetTheOutage", 0)),
        [] => Figures(),
        var several => Figures(("outages", several.Count), ("deliveriesThatMetTheOutage", 0)),
    };
}
