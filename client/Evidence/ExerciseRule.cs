using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Deliveries;

namespace ApexOrleans.Client.Evidence;

/// <summary>What a run left for its criteria to observe, exactly as its bundle holds it, with the scenario's outages.</summary>
public sealed class CriterionEvidence(IReadOnlyList<EventLine> events, IReadOnlyList<ReceiptLine> receipts, CircuitsFile circuits, IReadOnlyList<ScenarioOutage> outages)
{
    /// <summary>The publishes (first and repeated).</summary>
    public IReadOnlyList<EventLine> Publishes { get; } = events.Where(e => e.Kind == "publish").ToList();

    /// <summary>The deliveries, with their attempts.</summary>
    public IReadOnlyList<EventLine> Deliveries { get; } = events.Where(e => e.Kind == "delivery").ToList();

    /// <summary>
    /// The first publishes of beats whose event never reached its source app, whatever they were answered: an event the
    /// mesh accepted, or left "in progress", is there only once its source has it.
    /// </summary>
    public IReadOnlyList<EventLine> PublishesNeverAtSource => Publishes
        .Where(p => p.FirstPublish && !Deliveries.Any(d => d.EventId == p.EventId && d.Role == nameof(DeliveryRole.Source))).ToList();

    /// <summary>The keys' refusals of publishes (duplicate, conflict, in progress, expired).</summary>
    public IReadOnlyList<ReceiptLine> Refusals { get; } = receipts.Where(r => r.Kind == "refusal").ToList();

    /// <summary>The apps' apply receipts.</summary>
    public IReadOnlyList<ReceiptLine> Applies { get; } = receipts.Where(r => r.Kind == "apply").ToList();

    /// <summary>Every circuit's transitions.</summary>
    public CircuitsFile Circuits { get; } = circuits;

    /// <summary>The scenario's outages (none, one or several), each with what it left.</summary>
    public IReadOnlyList<OutageEvidence> Outages { get; } = OutageEvidence.Of(outages, events.Where(e => e.Kind == "delivery").ToList(), circuits);

    /// <summary>The outages a delivery met in their window.</summary>
    public IReadOnlyList<OutageEvidence> OutagesMet => Outages.Where(o => o.Hits.Count > 0).ToList();

    /// <summary>Builds the evidence of a bundle's files, with the outages its manifest names.</summary>
    public static CriterionEvidence Of(EvidenceFiles files, IReadOnlyList<ScenarioOutage> outages) => new(files.Events, files.Receipts, files.Circuits, outages);
}

/// <summary>
/// The one rule deciding whether a criterion had anything to observe, used by the scorecard to report
/// <see cref="CriterionStatus.NotExercised"/> and by <c>apex verify</c> to refuse a pass claimed without evidence.
/// It reads only what the bundle holds, so both reach the same answer.
/// </summary>
public static class ExerciseRule
{
    /// <summary>Why <paramref name="criterionId"/> had nothing to observe in this evidence; null when it was exercised.</summary>
    public static string? NothingToObserve(string criterionId, CriterionEvidence e) => criterionId switch
    {
        CriterionIds.Idempotency => e.Publishes.Any(p => p.RepeatedPublish || p.ChangedPayload) || e.Deliveries.Any(d => d.Attempts.Count(EffectCount.MayHaveReachedTarget) > 1 || d.Attempts.Any(EffectCount.ReachedTargetTwice))
            ? null : "no event was published twice, attempted twice or duplicated on its way: nothing could take effect twice",
        // As the criterion checks them: a delivery not delivered yet may still await the repeat its app must refuse.
        CriterionIds.Deduplication => e.Publishes.Any(p => p.RepeatedPublish || p.ChangedPayload) || e.Deliveries.Any(d => d.Status == "delivered" && d.Attempts.Any(EffectCount.ReachedTargetTwice))
            ? null : "no event was published twice (or its key reused) and no delivery reached its app twice: there was no duplicate to refuse",
        CriterionIds.CircuitBreaker or CriterionIds.Recovery => OutageNotMet(e),
        CriterionIds.AutonomousRecovery => OutageNotMet(e) ?? (e.OutagesMet.Any(o => o.OpenedAt is not null) ? null
            : string.Join("; ", e.OutagesMet.Select(o => $"{o.Outage.App}'s circuit never opened, so it had nothing to recover from"
                + (o.FallbackUsed is { } fallback ? $" (its deliveries failed over to {fallback})" : "")))),
        CriterionIds.Retries or CriterionIds.Isolation => e.Deliveries.Any(d => d.Attempts.Any(a => !a.Succeeded))
            ? null : "no delivery attempt failed: there was nothing to retry and no failure to contain",
        CriterionIds.OutOfOrder => e.Deliveries.Any(d => d.InjectedDelayMs > 0) || e.Applies.Any(a => a.HeldSince is not null)
            ? null : "no delivery was delayed and no event was held for a predecessor",
        CriterionIds.NothingLost => e.Deliveries.Count > 0 ? null : "no event was accepted: there was nothing to lose",
        CriterionIds.AllBeats => e.Publishes.Count > 0 ? null : "no beat was published",
        CriterionIds.LatencyP95 or CriterionIds.ErrorRate => e.Deliveries.Any(d => d.Attempts.Count > 0) ? null : "no delivery was attempted",
        CriterionIds.ZeroCorruption => e.Applies.Count > 0 ? null : "no event was applied: nothing could be corrupted",
        _ => throw new ArgumentOutOfRangeException(nameof(criterionId), criterionId, "not a criterion of the scorecard"),
    };

    /// <summary>Why none of the scenario's outages met a delivery (no outage, empty windows, no traffic in them); null when one did.</summary>
    private static string? OutageNotMet(CriterionEvidence e) =>
        e.Outages.Count == 0 ? "this scenario has no outage"
        : e.OutagesMet.Count > 0 ? null
        : string.Join("; ", e.Outages.Select(o => WhyNotMet(o, e.Deliveries)));

    /// <summary>Why one outage met no delivery in its window.</summary>
    public static string WhyNotMet(OutageEvidence evidence, IReadOnlyList<EventLine> deliveries)
    {
        var outage = evidence.Outage;
        var window = $"beat {outage.FromBeat} until beat {outage.ToBeat}";
        if (outage.ToBeat <= outage.FromBeat)
        {
            return $"the outage window is empty: {outage.App} goes down at beat {outage.FromBeat} and is back at beat {outage.ToBeat}, so it is never down";
        }

        return deliveries.Any(d => d.Target == outage.App && d.Beat >= outage.FromBeat && d.Beat < outage.ToBeat)
            ? $"no attempt to {outage.App} was made while it was down ({window})"
            : $"no traffic to {outage.App} in its window ({window}): nothing met it down";
    }
}
