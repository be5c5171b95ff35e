using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;

namespace ApexOrleans.Client.Evidence;

/// <summary>A publish the runner made, with the receipt the silo gave.</summary>
public sealed record PublishRecord(int Beat, EventEnvelope Envelope, PublishReceipt Receipt, bool Repeated);

/// <summary>
/// A scripted replay of a beat's key with a changed payload, and how the mesh answered it: <c>conflict</c> when refused as
/// a reuse of the key (as it must be), <c>refused:{code}</c> for another refusal, or the receipt's status if it was taken.
/// </summary>
public sealed record ChangedPayloadRecord(int Beat, EventEnvelope Envelope, DateTimeOffset At, string Answer)
{
    /// <summary>The answer that a refusal of the key's reuse is.</summary>
    public const string Conflict = "conflict";

    /// <summary>The answer a refusal gives.</summary>
    public static string AnswerOf(PublishRejection refusal) => refusal.Code == "idempotency_conflict" ? Conflict : $"refused:{refusal.Code}";
}

/// <summary>Circuit states (app → status) right before a beat was published and right before the next one.</summary>
public sealed record BeatCircuitStates(int Beat, IReadOnlyDictionary<string, CircuitStatus> Before, IReadOnlyDictionary<string, CircuitStatus> After);

/// <summary>Everything a run produced, read back from the silo after it settled: the raw material of the bundle.</summary>
public sealed record RunRecord
{
    /// <summary>The run id (the tenant).</summary>
    public required string RunId { get; init; }

    /// <summary>The run's remote apps, when it had any.</summary>
    public RemoteAppsLine? Remote { get; init; }

    /// <summary>The scenario as loaded.</summary>
    public required Scenario Scenario { get; init; }

    /// <summary>The seed used.</summary>
    public long Seed { get; init; }

    /// <summary>Where and on what it ran.</summary>
    public required string Silo { get; init; }

    /// <summary>memory, sqlite or postgres.</summary>
    public required string Storage { get; init; }

    /// <summary>virtual or real.</summary>
    public required string Clock { get; init; }

    /// <summary>Real clock scale.</summary>
    public double TimeScale { get; init; }

    /// <summary>Every publish, in order.</summary>
    public required IReadOnlyList<PublishRecord> Publishes { get; init; }

    /// <summary>Every scripted replay with a changed payload, in order.</summary>
    public IReadOnlyList<ChangedPayloadRecord> ChangedPayloadReplays { get; init; } = [];

    /// <summary>Circuit states around each beat.</summary>
    public required IReadOnlyList<BeatCircuitStates> BeatCircuits { get; init; }

    /// <summary>Every app's data after the run.</summary>
    public required IReadOnlyDictionary<string, AppSnapshot> Apps { get; init; }

    /// <summary>Every app's apply receipts.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<ApplyReceipt>> Receipts { get; init; }

    /// <summary>Every circuit after the run.</summary>
    public required IReadOnlyDictionary<string, CircuitSnapshot> Circuits { get; init; }

    /// <summary>Every delivery queue after the run.</summary>
    public required IReadOnlyDictionary<string, DeliveryQueueSnapshot> Queues { get; init; }

    /// <summary>The spans the silos kept of the run's traces; null when none were read.</summary>
    public ApexOrleans.Contracts.Diagnostics.TenantTraces? Traces { get; init; }

    /// <summary>The idempotency record of each published key.</summary>
    public required IReadOnlyDictionary<string, IdempotencyState?> Keys { get; init; }

    /// <summary>The final state, canonical.</summary>
    public required string FinalState { get; init; }

    /// <summary>The final state of the same scenario without chaos, canonical.</summary>
    public required string ControlState { get; init; }

    /// <summary>Wall-clock start and end.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Wall-clock end.</summary>
    public DateTimeOffset FinishedAt { get; init; }
}
