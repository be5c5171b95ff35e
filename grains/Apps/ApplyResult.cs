using Orleans;

namespace ApexOrleans.Grains.Apps;

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

/// <summary>The answer of an app to a delivery.</summary>
[GenerateSerializer]
public sealed record ApplyResult(ApplyStatus Status, ApplyReceipt? Receipt, IReadOnlyList<string> WaitingFor);
