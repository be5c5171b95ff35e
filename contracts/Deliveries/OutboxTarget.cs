namespace ApexOrleans.Contracts.Deliveries;

/// <summary>One target of an outbox entry.</summary>
[GenerateSerializer, Immutable]
public sealed record OutboxTarget(string App, string? HoldUntilApplied);
