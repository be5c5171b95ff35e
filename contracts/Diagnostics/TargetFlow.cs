namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>Attempts and failed attempts to one target since the silo started.</summary>
[GenerateSerializer, Immutable]
public sealed record TargetFlow(long Attempts, long Failed);
