namespace ApexOrleans.Client.Evidence;

/// <summary>
/// Counts the effects an event had at each app from two independent records: the delivery attempts (each
/// answer "Applied" or "Held" is one effect taken; "Duplicate" is a refusal) and the apps' apply receipts.
/// Exactly-once means one effect per (idempotency key, app, role) in both.
/// </summary>
public static class EffectCount
{
    /// <summary>(key, app, role) pairs that took more than one effect, by attempts or by receipts, with the counts.</summary>
    public static IReadOnlyList<string> Repeated(IEnumerable<EventLine> deliveries, IEnumerable<ReceiptLine> applies)
    {
        var byAttempts = deliveries
            .SelectMany(d => d.Attempts.Where(a => a.Outcome is "Applied" or "Held").Select(_ => (d.IdempotencyKey, App: d.Target, d.Role)))
            .GroupBy(x => x).Where(g => g.Count() > 1).Select(g => $"{g.Key.IdempotencyKey} at {g.Key.App}: {g.Count()} effects by its attempts");
        var byReceipts = applies.GroupBy(a => (a.IdempotencyKey, a.App, a.Role)).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.IdempotencyKey} at {g.Key.App}: {g.Count()} apply receipts");
        return byAttempts.Concat(byReceipts).ToList();
    }
}
