
namespace ApexOrleans.Contracts.Idempotency;

/// <summary>The grain of one idempotency key (key <c>{tenant}/{idempotencyKey}</c>): first claim wins, durably.</summary>
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>Claims the key for a publish with this payload fingerprint.</summary>
    Task<IdempotencyClaim> ClaimAsync(string fingerprint, string eventId);

    /// <summary>Stores the receipt of the claimed publish, accepted now on the tenant's clock; later duplicates get it back.</summary>
    Task<PublishReceipt> CompleteAsync(PublishReceipt receipt);

    /// <summary>The key's record, or null if it was never claimed.</summary>
    Task<IdempotencyState?> GetAsync();
}
