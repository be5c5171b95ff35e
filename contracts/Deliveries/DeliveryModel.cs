using ApexOrleans.Contracts.Chaos;

namespace ApexOrleans.Contracts.Deliveries;

/// <summary>
/// One attempt to deliver: when (tenant clock), the injected fault and why, the outcome, the wall-clock time it took, and
/// the tenant's sequence (its last published beat) then, which the chaos decision read; for a remote app, its HTTP requests.
/// </summary>
[GenerateSerializer]
public sealed record AttemptRecord(
    int Number, DateTimeOffset At, FaultKind Fault, string? FaultReason, bool Succeeded, bool Probe, string? Error, ApplyStatus? Outcome, double WallMilliseconds,
    long Sequence = 0, IReadOnlyList<HttpExchange>? Http = null);

/// <summary>A delivery to one target, from enqueue to delivered or dead-lettered, with every attempt.</summary>
[GenerateSerializer]
public sealed class DeliveryItem
{
    /// <summary>Its id within the target's queue (enqueue order).</summary>
    [Id(0)]
    public long Id { get; set; }

    /// <summary>The event, its role and its causal hold.</summary>
    [Id(1)]
    public required Delivery Delivery { get; init; }

    /// <summary>When it entered the queue.</summary>
    [Id(2)]
    public DateTimeOffset EnqueuedAt { get; set; }

    /// <summary>The out-of-order delay injected before its first attempt.</summary>
    [Id(3)]
    public TimeSpan InjectedDelay { get; set; }

    /// <summary>When it is next attempted.</summary>
    [Id(4)]
    public DateTimeOffset NextDueAt { get; set; }

    /// <summary>Whether it waits in the durable queue (circuit open, or its retries exhausted) rather than for a retry.</summary>
    [Id(5)]
    public bool Queued { get; set; }

    /// <summary>Why it was queued.</summary>
    [Id(6)]
    public string? QueuedBecause { get; set; }

    /// <summary>Every attempt.</summary>
    [Id(7)]
    public List<AttemptRecord> Attempts { get; set; } = [];

    /// <summary>What the target did with it, once delivered.</summary>
    [Id(8)]
    public ApplyStatus? Outcome { get; set; }

    /// <summary>When it was delivered or dead-lettered.</summary>
    [Id(9)]
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Why it was dead-lettered, if it was.</summary>
    [Id(10)]
    public string? DeadLetterReason { get; set; }

    /// <summary>
    /// Whether an attempt was sent to the target app (stored before sending, for targets with a fallback): then it may
    /// have been applied there and is never failed over.
    /// </summary>
    [Id(11)]
    public bool MayHaveReached { get; set; }

    /// <summary>
    /// The fallback app it was handed to, its retries spent or the target's circuit open. Once set (and stored) it is never
    /// delivered here; it ends in the history, not as delivered here but as failed over.
    /// </summary>
    [Id(12)]
    public string? FailedOverTo { get; set; }

    /// <summary>
    /// The span id of its delivery span, in the trace its event's traceparent names: every attempt, in any activation, is a
    /// child of it. Only the span id is stored (16 hex digits), since a write per delivery carries it.
    /// </summary>
    [Id(13)]
    public string? TraceSpanId { get; set; }

    /// <summary>The W3C traceparent of its delivery span, or null when its event travels in no trace.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? TraceParent => TraceSpanId is { Length: 16 } span && Diagnostics.TraceParents.TraceIdOf(Delivery.Envelope.TraceParent) is { } trace
        ? $"00-{trace}-{span}-01"
        : null;
}

/// <summary>The queue of one target: stored as the items each turn changed (its journal) and, now and then, whole as a snapshot.</summary>
[GenerateSerializer]
public sealed class DeliveryQueueState
{
    /// <summary>Not yet delivered: waiting for a first attempt, a retry, or the circuit.</summary>
    [Id(0)]
    public List<DeliveryItem> Pending { get; set; } = [];

    /// <summary>
    /// Ended since the last history page was sealed, most recent last (fewer than <see cref="DeliveryOptions.HistoryPageSize"/>):
    /// delivered here, or failed over to the fallback (<see cref="DeliveryItem.FailedOverTo"/>).
    /// </summary>
    [Id(1)]
    public List<DeliveryItem> Delivered { get; set; } = [];

    /// <summary>The number the next sealed history page gets (<see cref="DeliveryHistory"/>).</summary>
    [Id(2)]
    public long NextHistoryPage { get; set; }

    /// <summary>The oldest history page still kept (older ones were pruned past <see cref="DeliveryOptions.DeliveredHistoryLimit"/>).</summary>
    [Id(3)]
    public long FirstHistoryPage { get; set; }

    /// <summary>Given up on after too many attempts; shown, never dropped.</summary>
    [Id(4)]
    public List<DeliveryItem> DeadLetters { get; set; } = [];

    /// <summary>
    /// Deliveries already enqueued, by <see cref="Delivery.InboxKey"/>, so a repeated enqueue changes nothing. Apps rely on it:
    /// they store outbox acknowledgements with their next write, so a crash dispatches those entries again and this refuses
    /// them (see <c>AppGrain.AcknowledgeOutboxAsync</c>). Idempotency keys rely on it too: a key learns whether its publish
    /// was accepted, and when, from its source queue's entry here. Pruning it needs both guards first.
    /// </summary>
    [Id(5)]
    public Dictionary<string, DateTimeOffset> Enqueued { get; set; } = [];

    /// <summary>The next item id.</summary>
    [Id(6)]
    public long NextId { get; set; } = 1;

    /// <summary>How many items were ever delivered.</summary>
    [Id(7)]
    public long DeliveredCount { get; set; }

    /// <summary>How many items were ever handed to the fallback app (their retries spent, or this target's circuit open).</summary>
    [Id(8)]
    public long FailedOverCount { get; set; }
}

/// <summary>A target's queue as read back: depths, the items themselves (delivered and failed over alike in <c>Delivered</c>), and how many failed over.</summary>
[GenerateSerializer]
public sealed record DeliveryQueueSnapshot(
    string Target, int PendingCount, int QueuedCount, long DeliveredCount,
    IReadOnlyList<DeliveryItem> Pending, IReadOnlyList<DeliveryItem> Delivered, IReadOnlyList<DeliveryItem> DeadLetters, long FailedOverCount = 0);
