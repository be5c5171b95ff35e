namespace ApexOrleans.Contracts.Envelope;

/// <summary>The keys <see cref="EnvelopeParser"/> reads in each form of an envelope: a file that gives another key has misspelt one.</summary>
public static class EnvelopeFields
{
    /// <summary>The story form: <c>eventType</c>, <c>target</c>, <c>idempotencyKey</c>, <c>payload</c>, ….</summary>
    public static IReadOnlyList<string> Story { get; } =
    [
        "eventType", "app", "sourceApp", "target", "targets", "idempotencyKey", "payload", "data",
        "id", "correlationId", "causationId", "subject", "time", "sequence",
    ];

    /// <summary>The structured CloudEvents 1.0 form (told apart by <c>specversion</c>), with the standard attributes the mesh ignores.</summary>
    public static IReadOnlyList<string> CloudEvent { get; } =
    [
        "specversion", "type", "source", "targets", "target", "idempotencykey", "data",
        "id", "correlationid", "causationid", "subject", "time", "sequence", "datacontenttype", "dataschema",
    ];
}
