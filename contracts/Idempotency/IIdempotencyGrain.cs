
namespace ApexOrleans.Contracts.Idempotency;

/// <summary>The grain of one idempotency key (key <c>{tenant}/{idempotencyKey}</c>): first claim wins, durably.</summary>
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Claims the key for <paramref name="publish"/> (its receipt once accepted; its time is not known yet) with this payload
    /// fingerprint, by the gateway <paramref name="claimant"/>, which has no other claim of this key running: a claim it
    /// holds already is one of its own attempts that is over. The key learns that the publish was accepted, and when, from
    /// the source app's queue, which durably holds the event: completing a publish costs the key no write of its own.
    /// </summary>
    Task<IdempotencyClaim> ClaimAsync(string fingerprint, PublishReceipt publish, string claimant);

    /// <summary>Gives up <paramref name="claimant"/>'s unfinished claim after its publish failed, so that any gateway's retry resumes it at once.</summary>
    Task ReleaseAsync(string claimant);

    /// <summary>The key's record, or null if it was never claimed.</summary>
    Task<IdempotencyState?> GetAsync();
}
