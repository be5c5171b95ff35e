namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>Latency percentiles of deliveries completed in one slice of wall-clock time.</summary>
[GenerateSerializer, Immutable]
public sealed record LatencyPoint(DateTimeOffset From, int Count, double P50, double P95, double P99);
