using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Deliveries;

namespace ApexOrleans.Client.Evidence;

/// <summary>What a run left for its criteria to observe, exactly as its bundle holds it, with the scenario's outage.</summary>
public sealed class CriterionEvidence(IReadOnlyList<EventLine> events, IReadOnlyList<ReceiptLine> receipts, CircuitsFile circuits, ScenarioOutage? outage)
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
        .Where(p => !p.RepeatedPublish && !Deliveries.Any(d => d.EventId == p.EventId && d.Role == nameof(DeliveryRole.Source))).ToList();

    /// <summary>The apps' apply receipts.</summary>
    public IReadOnlyList<ReceiptLine> Applies { get; } = receipts.Where(r => r.Kind == "apply").ToList();

    /// <summary>Every circuit's transitions.</summary>
    public CircuitsFile Circuits { get; } = circuits;

    /// <summary>The scenario's outage, if it has one.</summary>
    public ScenarioOutage? Outage { get; } = outage;

    /// <summary>Deliveries to the outage app that met it down: an attempt failed with the outage fault.</summary>
    public IReadOnlyList<EventLine> OutageHits => Outage is { } o
        ? Deliveries.Where(d => d.Target == o.App && d.Attempts.Any(a => a.Fault == nameof(FaultKind.Outage))).ToList()
        : [];

    /// <summary>When a delivery first met the outage app down; null when none did.</summary>
    public DateTimeOffset? FirstOutageHitAt => OutageHits.SelectMany(d => d.Attempts).Where(a => a.Fault == nameof(FaultKind.Outage))
        .Select(a => (DateTimeOffset?)a.At).Min();

    /// <summary>The outage app's circuit's transitions from the first delivery that met it down on.</summary>
    public IReadOnlyList<TransitionLine> OutageTransitions => Outage is { } o && FirstOutageHitAt is { } from && Circuits.Circuits.TryGetValue(o.App, out var circuit)
        ? circuit.Transitions.Where(t => t.At >= from).ToList()
        : [];

    /// <summary>When the outage app's circuit first opened after a delivery met it down; null when it never did.</summary>
    public DateTimeOffset? OutageOpenedAt => OutageTransitions.FirstOrDefault(t => t.To == "Open")?.At;

    /// <summary>Where the outage app's deliveries failed over to (the fallback named by the evidence), if any did.</summary>
    public string? FallbackUsed => Outage is { } o ? Deliveries.FirstOrDefault(d => d.Target == o.App && d.FailedOver)?.FailedOverTo : null;

    /// <summary>Builds the evidence of a bundle's files, with the outage its manifest names.</summary>
    public static CriterionEvidence Of(EvidenceFiles files, ScenarioOutage? outage) => new(files.Events, files.Receipts, files.Circuits, outage);
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
        CriterionIds.Idempotency => e.Publishes.Any(p => p.RepeatedPublish) || e.Deliveries.Any(d => d.Attempts.Count(EffectCount.MayHaveReachedTarget) > 1 || d.Attempts.Any(EffectCount.ReachedTargetTwice))
            ? null : "no event was published twice, attempted twice or duplicated on its way: nothing could take effect twice",
        // As the criterion checks them: a delivery not delivered yet may still await the repeat its app must refuse.
        CriterionIds.Deduplication => e.Publishes.Any(p => p.RepeatedPublish) || e.Deliveries.Any(d => d.Status == "delivered" && d.Attempts.Any(EffectCount.ReachedTargetTwice))
            ? null : "no event was published twice and no delivery reached its app twice: there was no duplicate to refuse",
        CriterionIds.CircuitBreaker or CriterionIds.Recovery => OutageNotMet(e),
        CriterionIds.AutonomousRecovery => OutageNotMet(e) ?? (e.OutageOpenedAt is not null ? null
            : $"{e.Outage!.App}'s circuit never opened, so it had nothing to recover from" + (e.FallbackUsed is { } fallback ? $" (its deliveries failed over to {fallback})" : "")),
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

    /// <summary>Why the scenario's outage never met a delivery (no outage, an empty window, no traffic in it); null when one did.</summary>
    private static string? OutageNotMet(CriterionEvidence e)
    {
        if (e.Outage is not { } outage)
        {
            return "this scenario has no outage";
        }

        if (e.OutageHits.Count > 0)
        {
            return null;
        }

        var window = $"beat {outage.FromBeat} until beat {outage.ToBeat}";
        if (outage.ToBeat <= outage.FromBeat)
        {
            return $"the outage window is empty: {outage.App} goes down at beat {outage.FromBeat} and is back at beat {outage.ToBeat}, so it is never down";
        }

        return e.Deliveries.Any(d => d.Target == outage.App && d.Beat >= outage.FromBeat && d.Beat < outage.ToBeat)
            ? $"no attempt to {outage.App} was made while it was down ({window})"
            : $"no traffic to {outage.App} in its window ({window}): nothing met it down";
    }
}
