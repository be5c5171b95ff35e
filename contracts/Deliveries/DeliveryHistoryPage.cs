namespace ApexOrleans.Contracts.Deliveries;

/// <summary>A sealed page of a queue's history: written once, never changed.</summary>
[GenerateSerializer]
public sealed class DeliveryHistoryPage
{
    /// <summary>The ended items, in the order they ended.</summary>
    [Id(0)]
    public List<DeliveryItem> Items { get; set; } = [];
}
