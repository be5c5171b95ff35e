using static ApexOrleans.Client.Evidence.Scorecard;
using ApexOrleans.Client.Scenarios;

namespace ApexOrleans.Client.Evidence;

/// <summary>The criteria on deliveries and their effects: once each, duplicates refused, retries, order, nothing lost, no corruption.</summary>
public static class DeliveryCriteria
{
    /// <summary>No event changes any app twice.</summary>
    public static Criterion Idempotency(CriterionEvidence e)
    {
        var twice = EffectCount.Repeated(e.Deliveries, e.Applies);
        return Verdict.Judge(e, CriterionIds.Idempotency, "No event changes any app twice", CriterionLevel.Must, twice.Count == 0,
            Figures(("applies", e.Applies.Count), ("appliedTwice", twice.Count)),
            twice.Count == 0 ? "every (idempotency key, app) took one effect, by its attempts and by its receipts" : string.Join("; ", twice));
    }

    /// <summary>
    /// Every repeated publish is answered as a duplicate, every replay of a key with a changed payload is refused as a
    /// conflict (and the key's record shows the refusal), and every duplicated delivery leaves one effect and a refusal.
    /// </summary>
    public static Criterion Deduplication(DayEvidence day)
    {
        var e = day.Lines;
        var problems = new List<string>();
        var repeated = e.Publishes.Where(p => p.RepeatedPublish).ToList();
        problems.AddRange(repeated.Where(p => p.Status == "accepted")
            .Select(p => $"repeated publish of beat {p.Beat} was accepted again"));
        var changed = e.Publishes.Where(p => p.ChangedPayload).ToList();
        var conflicts = e.Refusals.Where(r => r.Outcome == "Conflict").ToList();
        problems.AddRange(changed.Where(p => p.Status != ChangedPayloadRecord.Conflict)
            .Select(p => $"the replay of beat {p.Beat}'s key {p.IdempotencyKey} with a changed payload was answered {p.Status}, not refused as a conflict"));
        problems.AddRange(changed.GroupBy(p => (p.Source, p.IdempotencyKey))
            .Where(g => conflicts.Count(r => r.IdempotencyKey == g.Key.IdempotencyKey && r.Source == g.Key.Source) < g.Count())
            .Select(g => $"{g.Key.IdempotencyKey} was replayed with a changed payload {g.Count()} time(s), but its key's record shows fewer conflicts refused"));
        var duplicated = e.Deliveries.Where(d => d.Attempts.Any(EffectCount.ReachedTargetTwice) && d.Status == "delivered").ToList();
        foreach (var delivery in duplicated)
        {
            var receipts = e.Applies.Where(a => a.IdempotencyKey == delivery.IdempotencyKey && a.Source == delivery.Source && a.App == delivery.Target && a.Role == delivery.Role).ToList();
            if (receipts.Count != 1 || receipts[0].DuplicatesRefused < 1)
            {
                problems.Add($"{delivery.IdempotencyKey} at {delivery.Target}: {receipts.Count} effect(s), {receipts.Sum(r => r.DuplicatesRefused)} refusal(s)");
            }
        }

        return Verdict.Judge(e, CriterionIds.Deduplication, "Every duplicate is refused: one effect each", CriterionLevel.Must, problems.Count == 0,
            Figures(("repeatedPublishes", repeated.Count), ("changedPayloadReplays", changed.Count),
                ("changedPayloadReplaysRefused", changed.Count(p => p.Status == ChangedPayloadRecord.Conflict)), ("duplicatedDeliveries", duplicated.Count),
                ("refusedDeliveries", e.Applies.Sum(a => a.DuplicatesRefused)), ("refusedPublishes", day.RefusedPublishes)),
            problems.Count == 0
                ? $"{repeated.Count} repeated publish(es) answered as duplicates; "
                  + (changed.Count > 0 ? $"{changed.Count} replay(s) with a changed payload refused as conflicts; " : "")
                  + $"{duplicated.Count} duplicated deliveries left one effect and a refusal each"
                : string.Join("; ", problems));
    }

    /// <summary>Every delivery that failed an attempt ends delivered (or failed over to its target's fallback).</summary>
    public static Criterion Retries(CriterionEvidence e)
    {
        var retried = e.Deliveries.Where(d => d.Attempts.Any(a => !a.Succeeded)).ToList();
        var failed = retried.Where(d => !d.Ended).ToList();
        var failedOver = retried.Count(d => d.FailedOver);
        return Verdict.Judge(e, CriterionIds.Retries, "Every retried delivery ends delivered", CriterionLevel.Must, failed.Count == 0,
            Figures(("retriedDeliveries", retried.Count), ("maxAttempts", e.Deliveries.Select(d => d.Attempts.Count).DefaultIfEmpty(0).Max()),
                ("failedOver", failedOver), ("notDelivered", failed.Count)),
            failed.Count > 0 ? string.Join(", ", failed.Select(f => $"{f.IdempotencyKey}→{f.Target} {f.Status}"))
            : $"each of the {retried.Count} deliveries that failed an attempt succeeded later" + (failedOver > 0 ? $" ({failedOver} at a fallback, once failed over)" : ""));
    }

    /// <summary>Delayed and held events end applied and the final state equals the control's.</summary>
    public static Criterion OutOfOrder(DayEvidence day)
    {
        var e = day.Lines;
        var delayed = e.Deliveries.Where(d => d.InjectedDelayMs > 0).ToList();
        var held = e.Applies.Where(a => a.HeldSince is not null).ToList();
        var stillHeld = day.Final.Held;
        var equal = day.FinalEqualsControl;
        var notEnded = delayed.Count(d => !d.Ended);
        var passed = notEnded == 0 && stillHeld == 0 && equal;
        return Verdict.Judge(e, CriterionIds.OutOfOrder, "Delayed and reordered events are applied correctly", CriterionLevel.Must, passed,
            Figures(("delayedDeliveries", delayed.Count), ("heldThenApplied", held.Count), ("stillHeld", stillHeld), ("finalEqualsControl", equal)),
            passed ? $"the {delayed.Count} delayed deliveries ended and the {held.Count} held events were applied; the final state equals the run without chaos"
            : string.Join("; ", new[]
            {
                notEnded > 0 ? $"{notEnded} delayed deliveries did not end" : null,
                stillHeld > 0 ? $"{stillHeld} events are still held" : null,
                equal ? null : "the final state differs from the run without chaos",
            }.OfType<string>()));
    }

    /// <summary>Every beat's event and every reaction reached its source and every target; no outbox or hold is left.</summary>
    public static Criterion NothingLost(DayEvidence day)
    {
        var e = day.Lines;
        var undelivered = e.Deliveries.Where(d => !d.Ended).ToList();
        var neverAtSource = e.PublishesNeverAtSource;
        var inOutboxes = day.Final.InOutboxes;
        var held = day.Final.Held;
        var failedOver = e.Deliveries.Count(d => d.FailedOver);
        var passed = undelivered.Count == 0 && neverAtSource.Count == 0 && inOutboxes == 0 && held == 0;
        return Verdict.Judge(e, CriterionIds.NothingLost, "Nothing accepted is lost", CriterionLevel.Must, passed,
            Figures(("deliveries", e.Deliveries.Count), ("pending", undelivered.Count(d => d.Status == "pending")),
                ("deadLetters", undelivered.Count(d => d.Status == "dead-letter")), ("neverAtSource", neverAtSource.Count), ("stillInOutboxes", inOutboxes),
                ("stillHeld", held)),
            passed ? "every accepted event and every reaction reached its source and every target" + (failedOver > 0 ? $" ({failedOver} through a fallback)" : "")
                : string.Join(", ", neverAtSource.Select(p => $"beat {p.Beat}'s {p.IdempotencyKey} (answered {p.Status}) never reached {p.Source}")
                    .Concat(undelivered.Select(u => $"{u.IdempotencyKey}→{u.Target} {u.Status}")).Append($"{inOutboxes} in outboxes, {held} held")));
    }

    /// <summary>Every receipt's effect is stored, no key conflicts, and the final state equals the control's.</summary>
    public static Criterion Corruption(DayEvidence day)
    {
        var e = day.Lines;
        var missing = e.Applies.SelectMany(a => a.Effects.Where(effect => !Stored(day.Final, a, effect)).Select(effect => (App: a.App!, Effect: effect))).ToList();
        var conflicts = day.Final.Conflicts;
        var equal = day.FinalEqualsControl;
        var passed = missing.Count == 0 && conflicts == 0 && equal;
        return Verdict.Judge(e, CriterionIds.ZeroCorruption, "Zero data corruption", CriterionLevel.Should, passed,
            Figures(("receiptsWithoutEffect", missing.Count), ("keyConflicts", conflicts), ("finalEqualsControl", equal)),
            passed ? "every receipt's effect is stored, no key conflicts, final state equals the control"
            : string.Join("; ", missing.Take(5).Select(m => $"{m.Effect} at {m.App} is not stored")
                .Concat(conflicts > 0 ? [$"{conflicts} key conflicts"] : []).Concat(equal ? [] : ["the final state differs from the control"])));
    }

    /// <summary>
    /// Whether an apply receipt's effect (<c>table/key</c> at its app) is in the final state. A fallback's record is shown
    /// where its target would have written it, so it is looked for at the target, by its event.
    /// </summary>
    private static bool Stored(FinalState final, ReceiptLine apply, string effect)
    {
        if (apply.StandsInFor is { } target)
        {
            return final.Apps.TryGetValue(target, out var end) && end.Tables.Values.Any(rows => rows.Any(r => r.Event == apply.IdempotencyKey));
        }

        var (table, key) = (effect.Split('/', 2)[0], effect.Split('/', 2)[1]);
        return final.Rows(apply.App!, table).Any(r => r.Key == key);
    }
}
