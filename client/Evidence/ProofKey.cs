using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Client.Evidence;

/// <summary>
/// How a data proof's key finds its record. A record keyed by its event's key (<c>$idempotencyKey</c>) is keyed by the
/// key in its scope, <c>source/key</c>; a proof may name it so, or by the idempotency key alone when exactly one event
/// under that key reached the table (as proofs written before keys were scoped by source app do).
/// </summary>
public static class ProofKey
{
    /// <summary>The row whose key (read by <paramref name="keyOf"/>) is <paramref name="key"/>, or the one event's row of that idempotency key; else null.</summary>
    public static RecordView? Find(IEnumerable<RecordView> rows, Func<RecordView, string> keyOf, string key)
    {
        var candidates = rows.ToList();
        if (candidates.FirstOrDefault(r => keyOf(r) == key) is { } exact)
        {
            return exact;
        }

        var scoped = candidates.Where(r => r.IdempotencyKey == key && EnvelopeParser.TrySplitEventType(r.EventType, out var source, out _)
                                           && keyOf(r) == EventEnvelope.ScopeOf(source, key)).Take(2).ToList();
        return scoped.Count == 1 ? scoped[0] : null;
    }
}
