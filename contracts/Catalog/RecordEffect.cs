using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Catalog;

/// <summary>How an app records an event: the table, the payload field that keys the record, and what must exist first.</summary>
public sealed record RecordEffect(string Table, string KeyField, EffectMode Mode, IReadOnlyList<Prerequisite> Requires)
{
    /// <summary>Key field meaning "the event's idempotency key" in its scope (<see cref="EventEnvelope.ScopedKey"/>: source app and key), for events without an id of their own.</summary>
    public const string IdempotencyKeyField = "$idempotencyKey";

    /// <summary>The prerequisites, plus the record itself for a merge.</summary>
    public IEnumerable<Prerequisite> AllRequirements =>
        Mode == EffectMode.Merge ? Requires.Append(new Prerequisite(Table, KeyField)) : Requires;

    /// <summary>The key of the record the event writes, or null when its payload lacks the key field.</summary>
    public string? KeyOf(EventEnvelope envelope) => KeyField == IdempotencyKeyField ? envelope.ScopedKey : envelope.DataString(KeyField);
}
