namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>One delivery's latency in milliseconds and when (wall clock) it completed.</summary>
[GenerateSerializer, Immutable]
public readonly record struct LatencySample(DateTimeOffset At, double Ms);
