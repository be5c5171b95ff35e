namespace ApexOrleans.Client.Evidence;

/// <summary>
/// Counts the effects an event had at each app from two independent records: the delivery attempts (each
/// answer "Applied" or "Held" is one effect taken; "Duplicate" is a refusal) and the apps' apply receipts.
/// Exactly-once means one effect per (source app, idempotency key, app, role) in both: two apps may use one key. A remote
/// app speaks for itself: each of its 2xx answers is an effect it took, so one that takes a repeated message again shows.
/// </summary>
public static class EffectCount
{
    /// <summary>
    /// (key, app, role) pairs that took more than one effect, by attempts or by receipts, with the counts; and any event
    /// that took effect both at a target and at the fallback standing in for it (one effect across the two).
    /// </summary>
    public static IReadOnlyList<string> Repeated(IEnumerable<EventLine> deliveries, IEnumerable<ReceiptLine> applies)
    {
        var byAttempts = deliveries
            .SelectMany(d => d.Attempts.SelectMany(a => Enumerable.Repeat((d.Source, d.IdempotencyKey, App: d.Target, d.Role, d.StandsInFor), EffectsTaken(a))))
            .GroupBy(x => x).Where(g => g.Count() > 1).Select(g => $"{g.Key.IdempotencyKey} at {g.Key.App}: {g.Count()} effects by its attempts");
        var receipts = applies.ToList();
        var byReceipts = receipts.GroupBy(a => (a.Source, a.IdempotencyKey, a.App, a.Role, a.StandsInFor)).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.IdempotencyKey} at {g.Key.App}: {g.Count()} apply receipts");
        var targeted = receipts.Where(a => a.Role == "Target").Select(a => (a.Source, a.IdempotencyKey, a.App)).ToHashSet();
        var acrossFallback = receipts.Where(a => a.Role == "Fallback" && targeted.Contains((a.Source, a.IdempotencyKey, a.StandsInFor)))
            .Select(a => $"{a.IdempotencyKey} at {a.StandsInFor}: applied there and at its fallback {a.App}");
        return byAttempts.Concat(byReceipts).Concat(acrossFallback).ToList();
    }

    /// <summary>
    /// The effects an attempt took at its app: a grain app's one when it answered Applied or Held; a remote app's one per
    /// request it answered 2xx (its 409 is a refusal), so a receiver that does not deduplicate is counted as it acted.
    /// </summary>
    public static int EffectsTaken(AttemptLine attempt) => attempt.Http is { } http
        ? http.Count(x => x.Answer == Contracts.Deliveries.RemoteAnswer.Taken)
        : attempt.Outcome is "Applied" or "Held" ? 1 : 0;

    /// <summary>
    /// Whether an attempt's injected duplicate or lost response reached the target twice, so the target must show a
    /// refusal. Not when the attempt failed first for a reason of its own (storage down, say): then the injection
    /// never took effect, the attempt shows that real error, and a later attempt delivers once.
    /// </summary>
    public static bool ReachedTargetTwice(AttemptLine attempt) => attempt.Fault switch
    {
        "Duplicate" => attempt.Succeeded && (attempt.Http is null || attempt.Http is [_, { Answer: Contracts.Deliveries.RemoteAnswer.Taken or Contracts.Deliveries.RemoteAnswer.Duplicate }]),
        "ResponseLost" => attempt.Error?.StartsWith("ResponseLost:", StringComparison.Ordinal) == true,
        _ => false,
    };

    /// <summary>Whether the attempt called the app at all: faults that fail before the app (network, timeout, server error, outage) never did, nor a request no connection carried.</summary>
    public static bool MayHaveReachedTarget(AttemptLine attempt) => attempt.Fault is not ("NetworkFailure" or "Timeout" or "ServerError" or "Outage") && !attempt.NeverConnected;

    /// <summary>An injected duplicate or lost response that a real failure of the same attempt came before.</summary>
    public static bool Preempted(AttemptLine attempt) =>
        attempt.Fault is "Duplicate" or "ResponseLost" && !attempt.Succeeded && !ReachedTargetTwice(attempt) && !string.IsNullOrEmpty(attempt.Error);
}
