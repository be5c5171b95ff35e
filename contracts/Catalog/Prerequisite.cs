namespace ApexOrleans.Contracts.Catalog;

/// <summary>A record that must already exist in the app's own table before an event may apply.</summary>
public sealed record Prerequisite(string Table, string KeyField);
