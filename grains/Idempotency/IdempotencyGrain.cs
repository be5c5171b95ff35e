using ApexOrleans.Contracts.Idempotency;
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
[TenantPlacement]
public sealed class IdempotencyGrain(
    [PersistentState("idempotency")] IPersistentState<IdempotencyState> state, MeshTenants tenants, ClaimHolders holders)
    : TenantScopedGrain(tenants), IIdempotencyGrain
{
    private IdempotencyState Entry => state.State;

    private IdempotencyOptions Options => CurrentTenant.Settings.Idempotency;

    /// <inheritdoc />
    public async Task<IdempotencyClaim> ClaimAsync(string fingerprint, string eventId, string claimant)
    {
        var now = CurrentTenant.Clock.GetUtcNow();
        CurrentTenant.UsedKey(Name); // so that retiring the tenant finds this grain (also a tenant configured again since)
        if (!state.RecordExists)
        {
            Entry.Fingerprint = fingerprint;
            Entry.EventId = eventId;
            Entry.ClaimedAt = now;
            Entry.ClaimedBy = claimant;
            await state.WriteOrRevertAsync(DeactivateOnIdle);
            return new IdempotencyClaim(ClaimOutcome.Claimed, null, eventId, now);
        }

        ClaimOutcome outcome;
        if (Entry.Expired || (Entry.CompletedAt is { } completed && now - completed > Options.Retention))
        {
            Entry.Expired = true;
            Entry.Receipt = null; // a tombstone: enough to refuse, nothing more
            outcome = ClaimOutcome.Expired;
        }
        else if (Entry.Fingerprint != fingerprint)
        {
            outcome = ClaimOutcome.Conflict;
        }
        else if (Entry.Receipt is not null)
        {
            outcome = ClaimOutcome.Duplicate;
        }
        else if (Entry.ClaimedBy == claimant || holders.IsGone(Entry.ClaimedBy) || now - Entry.ClaimedAt >= Options.InProgressTimeout)
        {
            // A gateway has one publish of a key at a time, so a claim of its own is an attempt that is over; a holder that
            // is gone was cut short; past the timeout the claim is abandoned. Go ahead again, idempotently.
            Entry.ClaimedAt = now;
            Entry.ClaimedBy = claimant;
            await state.WriteOrRevertAsync(DeactivateOnIdle);
            return new IdempotencyClaim(ClaimOutcome.Resumed, null, Entry.EventId, now);
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
        return new IdempotencyClaim(outcome, Entry.Receipt, Entry.EventId, now);
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string claimant)
    {
        if (state.RecordExists && Entry.Receipt is null && Entry.ClaimedBy == claimant)
        {
            Entry.ClaimedBy = "";
            await state.WriteOrRevertAsync(DeactivateOnIdle);
        }
    }

    /// <inheritdoc />
    public async Task<PublishReceipt> CompleteAsync(PublishReceipt receipt)
    {
        if (Entry.Receipt is { } first)
        {
            return first; // a resumed claim completed twice keeps the receipt duplicates were already given
        }

        receipt = receipt with { AcceptedAt = CurrentTenant.Clock.GetUtcNow() }; // accepted on the tenant's clock, on the tenant's silo
        Entry.Receipt = receipt;
        Entry.CompletedAt = receipt.AcceptedAt;
        await state.WriteOrRevertAsync(DeactivateOnIdle);
        return receipt;
    }

    /// <inheritdoc />
    public Task<IdempotencyState?> GetAsync() => Task.FromResult(state.RecordExists ? Entry : null);
}
