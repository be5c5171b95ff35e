using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Diagnostics;
using ApexOrleans.Contracts.Publishing;

namespace ApexOrleans.Grains.Publishing;

/// <summary>
/// Where events enter the mesh: check the route, claim the idempotency key (which stores the receipt to be), and
/// enqueue the event for its source app (which records its own fact and fans out); the queue's acceptance time is the
/// receipt's. A publish that is refused changes nothing; one that is accepted is durable before the receipt is returned;
/// one that fails after its claim gives the claim up, so that its retry resumes it instead of being told "in progress".
/// </summary>
public sealed class MeshGateway(IGrainFactory grains, AppCatalog catalog, MeshTelemetry telemetry, CrashPoints crash, GatewayIncarnation incarnation)
    : IEventPublisher
{
    private readonly PublishTurns _turns = new();

    /// <summary>
    /// Wakes every app and queue of <paramref name="tenant"/> so that work left from before a restart (queued
    /// deliveries, undispatched outboxes) is scheduled again. Apps come from the catalog, so this is cheap.
    /// </summary>
    public async Task ResumeAsync(string tenant)
    {
        foreach (var app in catalog.Apps.Keys)
        {
            await grains.GetGrain<IAppGrain>(MeshKeys.For(tenant, app)).ResumeAsync().ConfigureAwait(false);
            await grains.GetGrain<IDeliveryGrain>(MeshKeys.For(tenant, app)).ResumeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Publishes <paramref name="envelope"/> for <paramref name="tenant"/>; refusals throw <see cref="PublishRejectedException"/>.</summary>
    public async Task<PublishReceipt> PublishAsync(string tenant, EventEnvelope envelope)
    {
        catalog.Route(envelope);
        var scopedKey = MeshKeys.For(tenant, envelope.ScopedKey);
        using var turn = await _turns.TakeAsync(scopedKey).ConfigureAwait(false);
        var key = grains.GetGrain<IIdempotencyGrain>(scopedKey);
        var span = PublishSpan.Begin(tenant, envelope);
        IdempotencyClaim claim;
        try
        {
            claim = await key.ClaimAsync(PayloadFingerprint.Of(envelope), PublishReceipt.ToAccept(tenant, envelope) with { TraceParent = span.TraceParent },
                incarnation.Id).ConfigureAwait(false);
        }
        catch (Exception)
        {
            span.Abandon(); // the key never answered: nothing happened on the tenant's clock
            throw;
        }

        span.Claimed(claim);
        switch (claim.Outcome)
        {
            case ClaimOutcome.Duplicate:
                span.Ended("duplicate", claim.At);
                return claim.Receipt! with { Status = PublishStatus.Duplicate, TraceParent = claim.TraceParent };
            case ClaimOutcome.InProgress:
                span.Ended("in-progress", claim.At);
                return new PublishReceipt(tenant, claim.OriginalEventId!, envelope.IdempotencyKey, envelope.EventType, envelope.SourceApp,
                    envelope.Targets, claim.At, PublishStatus.InProgress, claim.TraceParent);
            case ClaimOutcome.Conflict:
                span.Ended("conflict", claim.At, refused: true);
                throw new PublishRejectedException(new PublishRejection("idempotency_conflict", "idempotencyKey",
                    $"'{envelope.IdempotencyKey}' was already used by '{envelope.SourceApp}' for a different payload (event {claim.OriginalEventId}); nothing was changed"));
            case ClaimOutcome.Expired:
                span.Ended("expired", claim.At, refused: true);
                throw new PublishRejectedException(new PublishRejection("idempotency_key_expired", "idempotencyKey",
                    $"'{envelope.IdempotencyKey}' is past its retention; a used key is never executed again"));
        }

        // Claimed or Resumed: enqueueing is idempotent, so resuming a claim cut short cannot deliver twice.
        crash.Pass("gateway.after-claim");
        // The event travels on in the publish span's trace (the publisher's own context stays its parent).
        envelope = envelope with { Id = claim.OriginalEventId ?? envelope.Id, TraceParent = span.TraceParent ?? envelope.TraceParent, TraceState = span.TraceParent is null ? envelope.TraceState : null };
        try
        {
            // Accepted on the tenant's clock, by the queue that holds it durably: the key learns that time from the queue
            // when a duplicate comes, so this receipt is the one every duplicate gets back, and the key writes nothing now.
            var acceptedAt = await grains.GetGrain<IDeliveryGrain>(MeshKeys.For(tenant, envelope.SourceApp))
                .EnqueueAsync(new Delivery(envelope, DeliveryRole.Source)).ConfigureAwait(false);
            crash.Pass("gateway.after-enqueue");
            var receipt = PublishReceipt.ToAccept(tenant, envelope) with { AcceptedAt = acceptedAt, TraceParent = span.TraceParent };
            span.Ended("accepted", acceptedAt);
            telemetry.Published(receipt, receipt.AcceptedAt);
            return receipt;
        }
        catch (Exception e)
        {
            span.Failed(e, claim.At);
            await ReleaseAsync(key).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Gives the claim up for another gateway's retry; if the key does not answer either, a retry here resumes it anyway.</summary>
    private async Task ReleaseAsync(IIdempotencyGrain key)
    {
        try
        {
            await key.ReleaseAsync(incarnation.Id).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The publish's own failure is what the caller must see.
        }
    }
}
