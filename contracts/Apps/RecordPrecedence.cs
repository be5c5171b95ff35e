namespace ApexOrleans.Contracts.Apps;

/// <summary>
/// Which of two events that claim one record key keeps the record, the same in every arrival order: the smaller
/// idempotency key, then (two apps may use one key) the smaller event type, whose prefix is the source app.
/// </summary>
public static class RecordPrecedence
{
    /// <summary>Whether the event (<paramref name="key"/>, <paramref name="eventType"/>) keeps the record over the other.</summary>
    public static bool Precedes(string key, string eventType, string otherKey, string otherEventType) =>
        string.CompareOrdinal(key, otherKey) is var byKey && byKey != 0 ? byKey < 0 : string.CompareOrdinal(eventType, otherEventType) < 0;
}
