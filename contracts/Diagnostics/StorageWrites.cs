namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>What a silo's SQL grain storage committed since it started: state writes, their payload bytes, and the transactions they took.</summary>
[GenerateSerializer, Immutable]
public sealed record StorageWrites(long Writes, long Bytes, long Transactions);
