using ApexOrleans.Contracts.Envelope;


namespace ApexOrleans.Contracts.Idempotency;

/// <summary>What a publish under an idempotency key gets.</summary>
[GenerateSerializer]
public enum ClaimOutcome
{
    /// <summary>First use of the key: go ahead.</summary>
    Claimed,

    /// <summary>An earlier claim was cut short (its gateway failed, died or claims again) or abandoned past the in-progress timeout: go ahead again, idempotently.</summary>
    Resumed,

    /// <summary>Already done: here is the original receipt; nothing is executed again.</summary>
    Duplicate,

    /// <summary>The key was used for a different payload: refused, nothing changes.</summary>
    Conflict,

    /// <summary>The first claim is still being executed: not executed a second time.</summary>
    InProgress,

    /// <summary>The key is past its retention: refused, never executed again.</summary>
    Expired,
}

/// <summary>The status of a publish receipt.</summary>
[GenerateSerializer]
public enum PublishStatus
{
    /// <summary>Durably accepted: it will reach every target or show as queued or dead-lettered.</summary>
    Accepted,

    /// <summary>The same publish was accepted before; this is its original receipt.</summary>
    Duplicate,

    /// <summary>The same publish is being accepted right now by another request.</summary>
    InProgress,
}

/// <summary>What a publish returns.</summary>
[GenerateSerializer]
public sealed record PublishReceipt(
    string Tenant,
    string EventId,
    string IdempotencyKey,
    string EventType,
    string SourceApp,
    IReadOnlyList<string> Targets,
    DateTimeOffset AcceptedAt,
    PublishStatus Status,
    string? TraceParent = null)
{
    /// <summary>The receipt <paramref name="envelope"/>'s publish gets once accepted, before the time of acceptance is known.</summary>
    public static PublishReceipt ToAccept(string tenant, EventEnvelope envelope) =>
        new(tenant, envelope.Id, envelope.IdempotencyKey, envelope.EventType, envelope.SourceApp, envelope.Targets, default, PublishStatus.Accepted);
}

/// <summary>The answer of an idempotency grain to a claim, at <paramref name="At"/> on the tenant's clock.</summary>
[GenerateSerializer]
public sealed record IdempotencyClaim(ClaimOutcome Outcome, PublishReceipt? Receipt, string? OriginalEventId, DateTimeOffset At, string? TraceParent = null);

/// <summary>One refused reuse of a key: when, and why.</summary>
[GenerateSerializer]
public sealed record DuplicateRefusal(DateTimeOffset At, ClaimOutcome Outcome, string Fingerprint);

/// <summary>The persisted record of one key: the first claim, its receipt, and every duplicate refused.</summary>
[GenerateSerializer]
public sealed class IdempotencyState
{
    /// <summary>The payload fingerprint of the first claim.</summary>
    [Id(0)]
    public string Fingerprint { get; set; } = "";

    /// <summary>The event id of the first claim.</summary>
    [Id(1)]
    public string EventId { get; set; } = "";

    /// <summary>When the key was first claimed (or resumed).</summary>
    [Id(2)]
    public DateTimeOffset ClaimedAt { get; set; }

    /// <summary>The gateway (and its life) holding an unfinished claim; empty once it released it after a failed publish.</summary>
    [Id(3)]
    public string ClaimedBy { get; set; } = "";

    /// <summary>When the publish was accepted.</summary>
    [Id(4)]
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The original receipt, once the key knows the publish was accepted (never stored by the publish itself).</summary>
    [Id(5)]
    public PublishReceipt? Receipt { get; set; }

    /// <summary>Past retention: only the fingerprint and event id are kept.</summary>
    [Id(6)]
    public bool Expired { get; set; }

    /// <summary>How many reuses were refused.</summary>
    [Id(7)]
    public int RefusedCount { get; set; }

    /// <summary>The first refusals in detail.</summary>
    [Id(8)]
    public List<DuplicateRefusal> Refusals { get; set; } = [];

    /// <summary>
    /// The claimed publish as its receipt will read once accepted, stored with the claim: the time of acceptance is the
    /// source queue's, and <see cref="Receipt"/> is this with that time, learned when the key is next asked.
    /// </summary>
    [Id(9)]
    public PublishReceipt? Publish { get; set; }
}
