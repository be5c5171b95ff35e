
namespace ApexOrleans.Contracts.Idempotency;

/// <summary>The grain of one idempotency key (key <c>{tenant}/{idempotencyKey}</c>): first claim wins, durably.</summary>
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Claims the key for a publish with this payload fingerprint, by the gateway <paramref name="claimant"/>, which has
    /// no other claim of this key running: a claim it holds already is one of its own attempts that is over.
    /// </summary>
    Task<IdempotencyClaim> ClaimAsync(string fingerprint, string eventId, string claimant);

    /// <summary>Gives up <paramref name="claimant"/>'s unfinished claim after its publish failed, so that any gateway's retry resumes it at once.</summary>
    Task ReleaseAsync(string claimant);

    /// <summary>Stores the receipt of the claimed publish, accepted now on the tenant's clock; later duplicates get it back.</summary>
    Task<PublishReceipt> CompleteAsync(PublishReceipt receipt);

    /// <summary>The key's record, or null if it was never claimed.</summary>
    Task<IdempotencyState?> GetAsync();
}
