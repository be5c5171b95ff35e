using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Grains.Placement;
using ApexOrleans.Grains.Tenancy;

namespace ApexOrleans.Grains.Idempotency;

/// <summary>
/// Stripe-style idempotency for one key: the first claim is persisted; a repeat with the same payload gets
/// the original receipt, a different payload is a conflict, a claim still running answers "in progress", and
/// a key past its retention is refused, never executed again. Every refusal is recorded. A claim whose gateway
/// failed, died or claims again itself is resumed, never left "in progress" for a publish that is over.
/// </summary>
/// <remarks>
/// A publish writes the key once, at its claim. Whether it was accepted, and when, is durable in the source app's queue
/// (which keeps every delivery it accepted): the key asks it the first time it needs to know, so completing a publish
/// costs no second write, and a publish cut short before its event reached the queue is still seen as unfinished.
/// </remarks>
[TenantPlacement]
public sealed class IdempotencyGrain(
    [PersistentState("idempotency")] IPersistentState<IdempotencyState> state, MeshTenants tenants, ClaimHolders holders)
    : TenantScopedGrain(tenants), IIdempotencyGrain
{
    private IdempotencyState Entry => state.State;

    private IdempotencyOptions Options => CurrentTenant.Settings.Idempotency;

    // Given up by its gateway after its publish failed: whatever the queue holds, the caller was never told it was accepted.
    private bool Released => Entry.ClaimedBy.Length == 0;

    /// <inheritdoc />
    public async Task<IdempotencyClaim> ClaimAsync(string fingerprint, PublishReceipt publish, string claimant)
    {
        var now = CurrentTenant.Clock.GetUtcNow();
        CurrentTenant.UsedKey(Name); // so that retiring the tenant finds this grain (also a tenant configured again since)
        if (!state.RecordExists)
        {
            Entry.Fingerprint = fingerprint;
            Entry.EventId = publish.EventId;
            Entry.Publish = publish with { AcceptedAt = default, Status = PublishStatus.Accepted };
            Entry.ClaimedAt = now;
            Entry.ClaimedBy = claimant;
            await state.WriteOrRevertAsync(DeactivateOnIdle);
            return new IdempotencyClaim(ClaimOutcome.Claimed, null, publish.EventId, now);
        }

        await LearnAcceptanceAsync();

        ClaimOutcome outcome;
        if (Entry.Expired || (Entry.CompletedAt is { } completed && now - completed > Options.Retention))
        {
            Entry.Expired = true;
            (Entry.Receipt, Entry.Publish) = (null, null); // a tombstone: enough to refuse, nothing more
            outcome = ClaimOutcome.Expired;
        }
        else if (Entry.Fingerprint != fingerprint)
        {
            outcome = ClaimOutcome.Conflict;
        }
        else if (Entry.Receipt is not null && !Released)
        {
            outcome = ClaimOutcome.Duplicate;
        }
        else if (Released || Entry.ClaimedBy == claimant || holders.IsGone(Entry.ClaimedBy) || now - Entry.ClaimedAt >= Options.InProgressTimeout)
        {
            // A gateway has one publish of a key at a time, so a claim of its own is an attempt that is over; a holder that
            // is gone was cut short; past the timeout the claim is abandoned. Go ahead again, idempotently.
            Entry.ClaimedAt = now;
            Entry.ClaimedBy = claimant;
            Entry.Publish ??= publish with { EventId = Entry.EventId, AcceptedAt = default, Status = PublishStatus.Accepted }; // a claim stored before keys kept it
            await state.WriteOrRevertAsync(DeactivateOnIdle);
            return new IdempotencyClaim(ClaimOutcome.Resumed, null, Entry.EventId, now, Entry.Publish.TraceParent);
        }
        else
        {
            outcome = ClaimOutcome.InProgress;
        }

        Entry.RefusedCount++;
        if (Entry.Refusals.Count < Options.DuplicateDetailLimit)
        {
            Entry.Refusals.Add(new DuplicateRefusal(now, outcome, fingerprint));
        }

        await state.WriteOrRevertAsync(DeactivateOnIdle);
        return new IdempotencyClaim(outcome, Entry.Receipt, Entry.EventId, now, Entry.Publish?.TraceParent);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Its event may have reached the source queue before the publish failed: the retry then resumes the claim all the
    /// same, its enqueue changes nothing, and it is answered "accepted" with the original time, as the failed call would have been.
    /// </remarks>
    public async Task ReleaseAsync(string claimant)
    {
        if (state.RecordExists && !Released && Entry.ClaimedBy == claimant)
        {
            Entry.ClaimedBy = "";
            await state.WriteOrRevertAsync(DeactivateOnIdle);
        }
    }

    /// <inheritdoc />
    public async Task<IdempotencyState?> GetAsync()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        await LearnAcceptanceAsync();
        return Entry;
    }

    /// <summary>
    /// If the key does not know yet whether its publish was accepted, asks the source app's queue. What it learns stays in
    /// memory and rides on the key's next write (a refusal's); the queue can always be asked again.
    /// </summary>
    private async Task LearnAcceptanceAsync()
    {
        if (Entry is not { Receipt: null, Expired: false, Publish: { } publish })
        {
            return;
        }

        var queue = GrainFactory.GetGrain<IDeliveryGrain>(MeshKeys.For(TenantId, publish.SourceApp));
        if (await queue.AcceptedAtAsync(Delivery.SourceInboxKey(publish.IdempotencyKey)) is { } acceptedAt)
        {
            Entry.Receipt = publish with { AcceptedAt = acceptedAt, TraceParent = null }; // the claim's publish holds it once
            Entry.CompletedAt = acceptedAt;
        }
    }
}
