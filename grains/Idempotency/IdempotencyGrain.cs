using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Grains.Placement;
using ApexOrleans.Grains.Tenancy;

namespace ApexOrleans.Grains.Idempotency;

/// <summary>
/// Stripe-style idempotency for one key: the first claim is persisted; a repeat with the same payload gets
/// the original receipt, a different payload is a conflict, a claim still running answers "in progress", and
/// a key past its retention is refused, never executed again. Every refusal is recorded.
/// </summary>
[TenantPlacement]
public sealed class IdempotencyGrain(
    [PersistentState("idempotency")] IPersistentState<IdempotencyState> state, MeshTenants tenants, SiloIncarnation incarnation)
    : Grain, IIdempotencyGrain
{
    private string _tenantId = null!;
    private string _scopedKey = null!;

    // Looked up on every use: a resumed run may replace a tenant created with defaults after a restart.
    private Tenant CurrentTenant => tenants.Get(_tenantId);

    private IdempotencyState Key => state.State;

    private IdempotencyOptions Options => CurrentTenant.Settings.Idempotency;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_tenantId, _scopedKey) = MeshKeys.Split(this.GetPrimaryKeyString());
        await tenants.TakeUpAsync(_tenantId); // a tenant whose grains moved here from a silo that left
    }

    /// <inheritdoc />
    public async Task<IdempotencyClaim> ClaimAsync(string fingerprint, string eventId)
    {
        var now = CurrentTenant.Clock.GetUtcNow();
        CurrentTenant.UsedKey(_scopedKey); // so that retiring the tenant finds this grain (also a tenant configured again since)
        if (!state.RecordExists)
        {
            Key.Fingerprint = fingerprint;
            Key.EventId = eventId;
            Key.ClaimedAt = now;
            Key.ClaimedBy = incarnation.Id;
            await state.WriteOrRevertAsync(DeactivateOnIdle);
            return new IdempotencyClaim(ClaimOutcome.Claimed, null, eventId, now);
        }

        ClaimOutcome outcome;
        if (Key.Expired || (Key.CompletedAt is { } completed && now - completed > Options.Retention))
        {
            Key.Expired = true;
            Key.Receipt = null; // a tombstone: enough to refuse, nothing more
            outcome = ClaimOutcome.Expired;
        }
        else if (Key.Fingerprint != fingerprint)
        {
            outcome = ClaimOutcome.Conflict;
        }
        else if (Key.Receipt is not null)
        {
            outcome = ClaimOutcome.Duplicate;
        }
        else if (Key.ClaimedBy != incarnation.Id || now - Key.ClaimedAt >= Options.InProgressTimeout)
        {
            // Claimed by an earlier life of the silo (cut short by a crash), or abandoned: go ahead, idempotently.
            Key.ClaimedAt = now;
            Key.ClaimedBy = incarnation.Id;
            await state.WriteOrRevertAsync(DeactivateOnIdle);
            return new IdempotencyClaim(ClaimOutcome.Resumed, null, Key.EventId, now);
        }
        else
        {
            outcome = ClaimOutcome.InProgress;
        }

        Key.RefusedCount++;
        if (Key.Refusals.Count < Options.DuplicateDetailLimit)
        {
            Key.Refusals.Add(new DuplicateRefusal(now, outcome, fingerprint));
        }

        await state.WriteOrRevertAsync(DeactivateOnIdle);
        return new IdempotencyClaim(outcome, Key.Receipt, Key.EventId, now);
    }

    /// <inheritdoc />
    public async Task<PublishReceipt> CompleteAsync(PublishReceipt receipt)
    {
        receipt = receipt with { AcceptedAt = CurrentTenant.Clock.GetUtcNow() }; // accepted on the tenant's clock, on the tenant's silo
        Key.Receipt = receipt;
        Key.CompletedAt = receipt.AcceptedAt;
        await state.WriteOrRevertAsync(DeactivateOnIdle);
        return receipt;
    }

    /// <inheritdoc />
    public Task<IdempotencyState?> GetAsync() => Task.FromResult(state.RecordExists ? Key : null);
}
