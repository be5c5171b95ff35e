using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Client.Evidence;

/// <summary>
/// How a data proof's key finds its record. A record keyed by its event's key (<c>$idempotencyKey</c>) is keyed by the
/// key in its scope, <c>source/key</c>; a proof may name it so, or by the idempotency key alone when exactly one event
/// under that key reached the table (as proofs written before keys were scoped by source app do).
/// </summary>
public static class ProofKey
{
    /// <summary>The row keyed <paramref name="key"/>, or the one row of that idempotency key keyed by it in its source's scope; else null.</summary>
    public static FinalRow? Find(IEnumerable<FinalRow> rows, string key)
    {
        var candidates = rows.ToList();
        if (candidates.FirstOrDefault(r => r.Key == key) is { } exact)
        {
            return exact;
        }

        // Keyed in scope: the source app, a slash, then the idempotency key (EventEnvelope.ScopeOf).
        var scoped = candidates.Where(r => r.Event == key && r.Key.EndsWith(EventEnvelope.ScopeOf("", key), StringComparison.Ordinal) && r.Key.Length > key.Length + 1)
            .Take(2).ToList();
        return scoped.Count == 1 ? scoped[0] : null;
    }
}
