namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>Something that happened on the mesh, for the live feed: when (wall clock and the run's clock), which tenant, what, and the trace it belongs to.</summary>
[GenerateSerializer, Immutable]
public sealed record MeshActivity(DateTimeOffset At, DateTimeOffset RunTime, string Tenant, string Kind, string Subject, string Detail, double? LatencyMs, string? TraceId = null);
