using ApexOrleans.Contracts.Deliveries;
namespace ApexOrleans.Contracts.Apps;

/// <summary>The answer of an app to a delivery.</summary>
[GenerateSerializer]
public sealed record ApplyResult(ApplyStatus Status, ApplyReceipt? Receipt, IReadOnlyList<string> WaitingFor);
