namespace ApexOrleans.Contracts.Catalog;

/// <summary>An event an app publishes: its own record of it, and where it goes by default.</summary>
public sealed record PublishedEvent(string Action, RecordEffect Effect, IReadOnlyList<string> Targets);
