using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Apps;

/// <summary>
/// Everything an app grain owns: its tables, the receipts of what it applied, the events waiting for a predecessor,
/// and the events it still has to hand to the mesh (its outbox). Stored as the deliveries that made it (the app's
/// journal) and, now and then, whole as a snapshot.
/// </summary>
[GenerateSerializer]
public sealed class AppState
{
    /// <summary>Table name → key → record.</summary>
    [Id(0)]
    public SortedDictionary<string, SortedDictionary<string, AppRecord>> Tables { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Receipts of applied events, by <c>Delivery.InboxKey</c> (own facts by key, others' by source app and key).</summary>
    [Id(1)]
    public Dictionary<string, ApplyReceipt> Inbox { get; set; } = [];

    /// <summary>The events applied, by source app and id (<c>EventEnvelope.ScopedId</c>: what causal holds wait for).</summary>
    [Id(2)]
    public HashSet<string> AppliedEvents { get; set; } = [];

    /// <summary>Deliveries waiting for a predecessor.</summary>
    [Id(3)]
    public List<HeldDelivery> Held { get; set; } = [];

    /// <summary>Events to hand to the targets' delivery queues.</summary>
    [Id(4)]
    public List<OutboxEntry> Outbox { get; set; } = [];

    /// <summary>The next outbox entry id.</summary>
    [Id(5)]
    public long NextOutboxId { get; set; } = 1;

    /// <summary>Two different events that claimed one record key; the smaller idempotency key won.</summary>
    [Id(6)]
    public SortedSet<string> Conflicts { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A delivery the app holds until its predecessor is applied.</summary>
[GenerateSerializer]
public sealed class HeldDelivery
{
    /// <summary>The delivery.</summary>
    [Id(0)]
    public required Delivery Delivery { get; init; }

    /// <summary>When it arrived, on the tenant's clock.</summary>
    [Id(1)]
    public DateTimeOffset HeldSince { get; init; }

    /// <summary>What it waits for, in words.</summary>
    [Id(2)]
    public List<string> WaitingFor { get; set; } = [];

    /// <summary>Copies of it refused while it waited; carried into its receipt when it applies.</summary>
    [Id(3)]
    public int DuplicatesRefused { get; set; }
}

/// <summary>An event the app published (its own fact or a reaction) that still has to reach its targets' queues.</summary>
[GenerateSerializer]
public sealed class OutboxEntry
{
    /// <summary>The entry's id within the app.</summary>
    [Id(0)]
    public long Id { get; init; }

    /// <summary>The event.</summary>
    [Id(1)]
    public required EventEnvelope Envelope { get; init; }

    /// <summary>Per target, the event the target must have applied first (a reaction's cause), if any.</summary>
    [Id(2)]
    public required List<OutboxTarget> Targets { get; init; }
}
