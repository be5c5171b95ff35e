namespace ApexOrleans.Contracts.Deliveries;

/// <summary>What an app did with a delivery.</summary>
[GenerateSerializer]
public enum ApplyStatus
{
    /// <summary>The effect was applied now, with its receipt.</summary>
    Applied,

    /// <summary>Already applied before: nothing changed; the original receipt is returned.</summary>
    Duplicate,

    /// <summary>Kept durably until its predecessor is applied; it will be applied then without another delivery.</summary>
    Held,
}
