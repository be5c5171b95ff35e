using System.Text.Json;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Scenarios;

namespace ApexOrleans.Client.Evidence;

/// <summary>Must-pass criteria decide the exit code; should-pass ones are the story's targets.</summary>
public enum CriterionLevel
{
    /// <summary>Required: the run fails without it.</summary>
    Must,

    /// <summary>A target: reported, does not fail the run.</summary>
    Should,
}

/// <summary>One criterion: its verdict and the figures behind it.</summary>
public sealed record Criterion(string Id, string Title, CriterionLevel Level, bool Passed, IReadOnlyDictionary<string, object?> Figures, string Detail);

/// <summary>A data proof and what was found for it in the silo's store.</summary>
public sealed record ProofResult(string App, string Table, string Key, bool Found, IReadOnlyDictionary<string, string> Mismatches, bool Passed);

/// <summary>One beat's outcome: its publish, its data proofs, and why it failed if it did.</summary>
public sealed record BeatResult(int Beat, string Title, string EventType, string Publish, bool Passed, IReadOnlyList<ProofResult> Proofs);

/// <summary>scorecard.json: every criterion and every beat.</summary>
public sealed record Scorecard(bool Passed, bool ShouldPassed, IReadOnlyList<Criterion> Criteria, IReadOnlyList<BeatResult> Beats)
{
    /// <summary>Evaluates a run: everything is computed from what was read back from the silo after the run.</summary>
    public static Scorecard Evaluate(RunRecord run, EvidenceFiles files, RunMetrics metrics)
    {
        var beats = run.Scenario.Beats.Select(b => Beat(run, b)).ToList();
        var deliveries = files.Events.Where(e => e.Kind == "delivery").ToList();
        var applies = files.Receipts.Where(r => r.Kind == "apply").ToList();
        var criteria = new List<Criterion>
        {
            Idempotency(deliveries, applies),
            Deduplication(run, files, applies),
            Isolation(run, files, deliveries),
            Recovery(run, files),
            Retries(deliveries),
            OutOfOrder(run, deliveries, applies),
            NothingLost(run, deliveries),
            new("all-beats", "All beats succeed", CriterionLevel.Should, beats.All(b => b.Passed),
                Figures(("beats", beats.Count), ("passed", beats.Count(b => b.Passed))),
                string.Join("; ", beats.Where(b => !b.Passed).Select(b => $"beat {b.Beat} failed"))),
            new("latency-p95", "Mesh latency p95 < 500 ms", CriterionLevel.Should, metrics.MeshLatencyMs.P95 < 500,
                Figures(("p50Ms", metrics.MeshLatencyMs.P50), ("p95Ms", metrics.MeshLatencyMs.P95), ("p99Ms", metrics.MeshLatencyMs.P99)),
                "wall-clock time the mesh spent per delivery, injected delays and backoff excluded"),
            new("error-rate", "Error rate < 10 %", CriterionLevel.Should, metrics.ErrorRate < 0.10,
                Figures(("errorRate", metrics.ErrorRate), ("undelivered", metrics.Undelivered), ("attemptFailureRate", metrics.AttemptFailureRate)),
                "deliveries that did not end delivered, over all deliveries; failed attempts that a retry fixed are shown apart"),
            Corruption(run, applies),
            NoSpill(run),
            AutonomousRecovery(run),
        };
        return new Scorecard(criteria.Where(c => c.Level == CriterionLevel.Must).All(c => c.Passed),
            criteria.Where(c => c.Level == CriterionLevel.Should).All(c => c.Passed), criteria, beats);
    }

    private static Criterion Idempotency(List<EventLine> deliveries, List<ReceiptLine> applies)
    {
        var twice = EffectCount.Repeated(deliveries, applies);
        return new("idempotency", "No event changes any app twice", CriterionLevel.Must, twice.Count == 0,
            Figures(("applies", applies.Count), ("appliedTwice", twice.Count)),
            twice.Count == 0 ? "every (idempotency key, app) took one effect, by its attempts and by its receipts" : string.Join("; ", twice));
    }

    private static Criterion Deduplication(RunRecord run, EvidenceFiles files, List<ReceiptLine> applies)
    {
        var problems = new List<string>();
        var repeated = run.Publishes.Where(p => p.Repeated).ToList();
        problems.AddRange(repeated.Where(p => p.Receipt.Status == Grains.Idempotency.PublishStatus.Accepted)
            .Select(p => $"repeated publish of beat {p.Beat} was accepted again"));
        var duplicated = files.Events.Where(e => e.Kind == "delivery")
            .Where(d => d.Attempts.Any(EffectCount.ReachedTargetTwice) && d.Status == "delivered").ToList();
        foreach (var delivery in duplicated)
        {
            var receipts = applies.Where(a => a.IdempotencyKey == delivery.IdempotencyKey && a.App == delivery.Target && a.Role == delivery.Role).ToList();
            if (receipts.Count != 1 || receipts[0].DuplicatesRefused < 1)
            {
                problems.Add($"{delivery.IdempotencyKey} at {delivery.Target}: {receipts.Count} effect(s), {receipts.Sum(r => r.DuplicatesRefused)} refusal(s)");
            }
        }

        return new("deduplication", "Every duplicate is refused: one effect each", CriterionLevel.Must, problems.Count == 0,
            Figures(("repeatedPublishes", repeated.Count), ("duplicatedDeliveries", duplicated.Count),
                ("refusedDeliveries", applies.Sum(a => a.DuplicatesRefused)), ("refusedPublishes", files.Receipts.Count(r => r.Kind == "refusal"))),
            problems.Count == 0 ? "each duplicated event left exactly one effect and a refusal" : string.Join("; ", problems));
    }

    private static (DateTimeOffset From, DateTimeOffset To)? OutageWindow(RunRecord run)
    {
        if (run.Scenario.Chaos.Outage is not { } outage)
        {
            return null;
        }

        var beats = run.Scenario.Beats;
        var from = beats[Math.Clamp(outage.FromBeat, 1, beats.Count) - 1].Time;
        var to = outage.ToBeat <= beats.Count ? beats[outage.ToBeat - 1].Time : DateTimeOffset.MaxValue;
        return (from, to);
    }

    private static Criterion Isolation(RunRecord run, EvidenceFiles files, List<EventLine> deliveries)
    {
        if (OutageWindow(run) is not { } window || run.Scenario.Chaos.Outage is not { } outage)
        {
            return new("circuit-breaker", "An outage stays isolated", CriterionLevel.Must, true, Figures(), "this scenario has no outage");
        }

        var transitions = files.Circuits.Circuits[outage.App].Transitions;
        var opened = transitions.FirstOrDefault(t => t.To == "Open" && t.At >= window.From && t.At < window.To);
        var others = deliveries.Where(d => d.Target != outage.App && d.At >= window.From && d.At < window.To).ToList();
        var stuck = others.Where(d => !d.Ended).ToList();
        // Contained: its circuit opened, or whatever reached for it went to its fallback (a second provider) instead.
        var toOutageApp = deliveries.Where(d => d.Target == outage.App && d.At >= window.From && d.At < window.To).ToList();
        var failedOver = toOutageApp.Count(d => d.FailedOver);
        var contained = opened is not null || toOutageApp.All(d => d.FailedOver);
        var passed = contained && stuck.Count == 0;
        return new("circuit-breaker", $"The {outage.App} outage stays isolated", CriterionLevel.Must, passed,
            Figures(("app", outage.App), ("openedAt", opened?.At), ("failedOverDuringOutage", failedOver),
                ("otherDeliveriesDuringOutage", others.Count), ("otherDeliveriesStuck", stuck.Count)),
            !contained ? $"{outage.App}'s circuit never opened during its outage"
            : stuck.Count > 0 ? $"{stuck.Count} deliveries to other apps did not complete"
            : opened is null && failedOver > 0 ? $"{outage.App}'s deliveries failed over to its fallback; every other app kept working"
            : $"{outage.App}'s circuit opened; every other app kept working");
    }

    private static Criterion Recovery(RunRecord run, EvidenceFiles files)
    {
        if (OutageWindow(run) is not { } window || run.Scenario.Chaos.Outage is not { } outage)
        {
            return new("recovery", "The outage recovers", CriterionLevel.Must, true, Figures(), "this scenario has no outage");
        }

        var circuit = files.Circuits.Circuits[outage.App];
        var closed = circuit.Transitions.LastOrDefault(t => t.To == "Closed");
        var queue = run.Queues[outage.App];
        // An app with a fallback may end with its circuit never probed again: everything after it opened went to the fallback.
        var opened = circuit.Transitions.LastOrDefault(t => t.To == "Open");
        var handedOn = circuit.Status != "Closed" && opened is not null && queue.FailedOverCount > 0
            && files.Events.Where(e => e.Kind == "delivery" && e.Target == outage.App && e.Role == "Target" && e.At >= opened.At).All(e => e.FailedOver);
        var passed = (circuit.Status == "Closed" || handedOn) && queue.PendingCount == 0 && queue.DeadLetters.Count == 0;
        return new("recovery", $"{outage.App} recovers and its queue drains once", CriterionLevel.Must, passed,
            Figures(("closedAt", closed?.At), ("recoveryAfterOutageMs", closed is null || window.To == DateTimeOffset.MaxValue ? null : (closed.At - window.To).TotalMilliseconds),
                ("pending", queue.PendingCount), ("deadLetters", queue.DeadLetters.Count), ("failedOver", queue.FailedOverCount)),
            !passed ? $"{outage.App} is {circuit.Status} with {queue.PendingCount} pending"
            : handedOn ? $"{outage.App}'s circuit was not probed again: nothing waited for it, everything after it opened went to its fallback"
            : $"{outage.App}'s circuit closed and every queued delivery was delivered");
    }

    private static Criterion Retries(List<EventLine> deliveries)
    {
        var retried = deliveries.Where(d => d.Attempts.Any(a => !a.Succeeded)).ToList();
        var failed = retried.Where(d => !d.Ended).ToList();
        return new("retries", "Every retried delivery ends delivered", CriterionLevel.Must, failed.Count == 0,
            Figures(("retriedDeliveries", retried.Count), ("maxAttempts", deliveries.Select(d => d.Attempts.Count).DefaultIfEmpty(0).Max()), ("notDelivered", failed.Count)),
            failed.Count == 0 ? "each delivery that failed an attempt succeeded later" : string.Join(", ", failed.Select(f => $"{f.IdempotencyKey}→{f.Target}")));
    }

    private static Criterion OutOfOrder(RunRecord run, List<EventLine> deliveries, List<ReceiptLine> applies)
    {
        var delayed = deliveries.Where(d => d.InjectedDelayMs > 0).ToList();
        var held = applies.Where(a => a.HeldSince is not null).ToList();
        var stillHeld = run.Apps.Values.Sum(a => a.Held.Count);
        var passed = delayed.All(d => d.Ended) && stillHeld == 0 && run.FinalState == run.ControlState;
        return new("out-of-order", "Delayed and reordered events are applied correctly", CriterionLevel.Must, passed,
            Figures(("delayedDeliveries", delayed.Count), ("heldThenApplied", held.Count), ("stillHeld", stillHeld), ("finalEqualsControl", run.FinalState == run.ControlState)),
            passed ? "every delayed event was applied and the final state equals the run without chaos" : "a delayed or held event did not end applied, or the final state differs from the control");
    }

    private static Criterion NothingLost(RunRecord run, List<EventLine> deliveries)
    {
        var undelivered = deliveries.Where(d => !d.Ended).ToList();
        var inOutboxes = run.Apps.Values.Sum(a => a.OutboxDepth);
        var held = run.Apps.Values.Sum(a => a.Held.Count);
        var passed = undelivered.Count == 0 && inOutboxes == 0 && held == 0;
        return new("nothing-lost", "Nothing accepted is lost", CriterionLevel.Must, passed,
            Figures(("deliveries", deliveries.Count), ("pending", undelivered.Count(d => d.Status == "pending")),
                ("deadLetters", undelivered.Count(d => d.Status == "dead-letter")), ("stillInOutboxes", inOutboxes), ("stillHeld", held)),
            passed ? "every accepted event and every reaction reached its source and every target"
                : string.Join(", ", undelivered.Select(u => $"{u.IdempotencyKey}→{u.Target} {u.Status}").Append($"{inOutboxes} in outboxes, {held} held")));
    }

    private static Criterion Corruption(RunRecord run, List<ReceiptLine> applies)
    {
        var missing = applies.SelectMany(a => a.Effects.Select(e => (a.App!, Effect: e)))
            .Where(x => !run.Apps[x.Item1].Tables.TryGetValue(x.Effect.Split('/', 2)[0], out var rows) || rows.All(r => r.Key != x.Effect.Split('/', 2)[1]))
            .ToList();
        var conflicts = run.Apps.Values.Sum(a => a.Conflicts.Count);
        var passed = missing.Count == 0 && conflicts == 0 && run.FinalState == run.ControlState;
        return new("zero-corruption", "Zero data corruption", CriterionLevel.Should, passed,
            Figures(("receiptsWithoutEffect", missing.Count), ("keyConflicts", conflicts), ("finalEqualsControl", run.FinalState == run.ControlState)),
            passed ? "every receipt's effect is stored, no key conflicts, final state equals the control" : "see figures");
    }

    private static Criterion NoSpill(RunRecord run)
    {
        var outageApp = run.Scenario.Chaos.Outage?.App;
        var opened = run.Circuits.Where(c => c.Key != outageApp && c.Value.Transitions.Any(t => t.To.ToString() == "Open")).Select(c => c.Key).ToList();
        return new("isolation", "Circuit breakers isolate failures", CriterionLevel.Should, opened.Count == 0,
            Figures(("otherCircuitsOpened", opened.Count)), opened.Count == 0 ? "no other app's circuit opened" : $"also opened: {string.Join(", ", opened)}");
    }

    private static Criterion AutonomousRecovery(RunRecord run)
    {
        if (run.Scenario.Chaos.Outage is not { } outage)
        {
            return new("autonomous-recovery", "The system recovers autonomously", CriterionLevel.Should, true, Figures(), "this scenario has no outage");
        }

        var closed = run.Circuits[outage.App].Transitions.LastOrDefault(t => t.To.ToString() == "Closed");
        var lastBeat = run.Scenario.Beats[^1].Time;
        // A circuit that never opened (its deliveries failed over first) had nothing to recover from.
        var everOpened = run.Circuits[outage.App].Transitions.Any(t => t.To.ToString() == "Open");
        var passed = (!everOpened || (closed is not null && closed.At <= lastBeat)) && run.Circuits[outage.App].Status.ToString() == "Closed";
        return new("autonomous-recovery", "The system recovers autonomously", CriterionLevel.Should, passed,
            Figures(("closedAt", closed?.At), ("lastBeatAt", lastBeat)),
            !passed ? "not recovered before the last beat"
            : everOpened ? "recovered during the day, by probes on its own clock, with no action from the runner"
            : "its circuit never opened: what it could not take went to its fallback");
    }

    private static BeatResult Beat(RunRecord run, ScenarioBeat beat)
    {
        var publish = run.Publishes.First(p => p.Beat == beat.Number && !p.Repeated).Receipt.Status.ToString();
        var proofs = beat.Expect.Select(proof => Prove(run, proof)).ToList();
        // A first publish answered "Duplicate" was accepted by the silo before a restart cut off its answer.
        var accepted = publish is "Accepted" or "Duplicate";
        return new BeatResult(beat.Number, beat.Title, beat.Event.EventType, publish, accepted && proofs.All(p => p.Passed), proofs);
    }

    private static ProofResult Prove(RunRecord run, DataProof proof)
    {
        // A fallback's record standing in for the app's own counts as the app's: it is where the app's record went.
        var row = (run.Apps.TryGetValue(proof.App, out var app) ? app.Rows(proof.Table).FirstOrDefault(r => r.Key == proof.Key) : null)
            ?? run.Apps.Values.SelectMany(a => a.Tables.Values.SelectMany(rows => rows))
                .FirstOrDefault(r => r.StandsIn == new Grains.Apps.StandIn(proof.App, proof.Table, proof.Key));
        var mismatches = new Dictionary<string, string>();
        if (row is not null)
        {
            foreach (var (field, expected) in proof.Fields)
            {
                if (!Matches(expected, row.Data[field]))
                {
                    mismatches[field] = $"expected {expected.GetRawText()}, found {row.Data[field]?.ToJsonString() ?? "nothing"}";
                }
            }
        }

        return new ProofResult(proof.App, proof.Table, proof.Key, row is not null, mismatches, row is not null && mismatches.Count == 0);
    }

    private static bool Matches(JsonElement expected, JsonNode? actual) => expected.ValueKind switch
    {
        JsonValueKind.Number => actual is JsonValue v && v.TryGetValue<decimal>(out var d) && d == expected.GetDecimal(),
        JsonValueKind.String => actual is JsonValue v && v.TryGetValue<string>(out var s) && s == expected.GetString(),
        _ => actual is not null && JsonElement.DeepEquals(expected, JsonSerializer.SerializeToElement(actual)),
    };

    private static Dictionary<string, object?> Figures(params (string Name, object? Value)[] figures) => figures.ToDictionary(f => f.Name, f => f.Value);
}
