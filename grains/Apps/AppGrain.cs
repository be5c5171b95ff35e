using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Deliveries;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Grains.Placement;
using ApexOrleans.Grains.Reactions;
using ApexOrleans.Grains.Tenancy;

namespace ApexOrleans.Grains.Apps;

/// <summary>
/// One app of one tenant. Each delivery is applied at most once (its receipt sits in the same state as its
/// effect), waits in <see cref="AppState.Held"/> while a predecessor is missing, and may publish reactions.
/// The grain never calls another grain: fan-out goes to its outbox, which <see cref="OutboxDispatcher"/>
/// hands to the targets' queues, so no call chain can come back to a busy app.
/// </summary>
[TenantPlacement]
public sealed class AppGrain(
    [PersistentState("app")] IPersistentState<AppState> state,
    AppCatalog catalog,
    ReactionCatalog reactions,
    MeshTenants tenants,
    OutboxDispatcher dispatcher,
    CrashPoints crash) : Grain, IAppGrain
{
    private const int MaxReactionDepth = 8;
    private string _tenantId = null!;

    // Looked up on every use: a resumed run may replace a tenant created with defaults after a restart.
    private Tenant CurrentTenant => tenants.Get(_tenantId);
    private AppDefinition _app = null!;

    private AppState Data => state.State;

    // Outbox entries acknowledged since the last write: their removal rides on the app's next write, or on its deactivation.
    private bool _acknowledgedUnwritten;

    // A failed apply could not reload the durable state: this activation is on its way out and writes nothing when it goes.
    private bool _memoryUntrusted;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (tenant, appId) = MeshKeys.Split(this.GetPrimaryKeyString());
        _tenantId = tenant;
        await tenants.TakeUpAsync(_tenantId); // a tenant whose grains moved here from a silo that left
        _app = catalog.Find(appId) ?? throw new InvalidOperationException($"App '{appId}' is not in the app catalog.");
        if (Data.Outbox.Count > 0)
        {
            dispatcher.Notify(CurrentTenant.Id, _app.Id); // published before a restart, not yet handed on
        }
    }

    /// <inheritdoc />
    public async Task<ApplyResult> ApplyAsync(Delivery delivery)
    {
        RefuseUntrustedMemory();
        try
        {
            return await ApplyOnceAsync(delivery);
        }
        catch
        {
            // Whatever failed between changing the state in memory and writing it, memory goes back to the durable
            // state: a retry must never find an effect, a receipt or a release that was not stored. Acknowledged
            // entries come back with it, and are dispatched again (which changes nothing at the queues).
            _acknowledgedUnwritten = false;
            await state.RevertAsync(() =>
            {
                _memoryUntrusted = true; // memory is not the durable state: nothing of it may be written on the way out
                DeactivateOnIdle();
            });
            if (!_memoryUntrusted && Data.Outbox.Count > 0)
            {
                dispatcher.Notify(CurrentTenant.Id, _app.Id);
            }

            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Writes acknowledgements no later write carried. If that fails (the runtime logs it), or the silo stops before, the
    /// entries are still stored: the next activation dispatches them again, and every queue refuses an enqueue it already has.
    /// </remarks>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_acknowledgedUnwritten && !_memoryUntrusted)
        {
            await state.WriteStateAsync();
            _acknowledgedUnwritten = false;
        }
    }

    private async Task<ApplyResult> ApplyOnceAsync(Delivery delivery)
    {
        var now = CurrentTenant.Clock.GetUtcNow();
        if (Data.Inbox.TryGetValue(delivery.InboxKey, out var receipt))
        {
            receipt.DuplicatesRefused++;
            await WriteAsync();
            return new ApplyResult(ApplyStatus.Duplicate, receipt, []);
        }

        if (Data.Held.Find(h => h.Delivery.InboxKey == delivery.InboxKey) is { } alreadyHeld)
        {
            alreadyHeld.DuplicatesRefused++;
            await WriteAsync();
            return new ApplyResult(ApplyStatus.Held, null, alreadyHeld.WaitingFor);
        }

        var missing = Missing(delivery);
        if (missing.Count > 0)
        {
            Data.Held.Add(new HeldDelivery { Delivery = delivery, HeldSince = now, WaitingFor = missing });
            await WriteAsync();
            return new ApplyResult(ApplyStatus.Held, null, missing);
        }

        receipt = Apply(delivery, now, heldSince: null, depth: 0);
        ReleaseHeld(now);
        await WriteAsync();
        crash.Pass("app.after-commit"); // the effect and its receipt are stored; the answer has not gone back
        if (Data.Outbox.Count > 0)
        {
            dispatcher.Notify(CurrentTenant.Id, _app.Id);
        }

        return new ApplyResult(ApplyStatus.Applied, receipt, []);
    }

    /// <summary>Writes the state; acknowledged outbox entries leave the store with it.</summary>
    private async Task WriteAsync()
    {
        await state.WriteStateAsync();
        _acknowledgedUnwritten = false;
    }

    /// <inheritdoc />
    public Task ResumeAsync()
    {
        if (Data.Outbox.Count > 0)
        {
            dispatcher.Notify(_tenantId, _app.Id);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxEntry>> PendingOutboxAsync()
    {
        RefuseUntrustedMemory(); // entries of an apply that was never stored must not reach a target
        return Task.FromResult<IReadOnlyList<OutboxEntry>>([.. Data.Outbox]);
    }

    /// <summary>
    /// Calls queued behind a failed apply whose state could not be reloaded fail, and their callers retry: the next
    /// activation loads the durable state, where this one holds changes that were never stored.
    /// </summary>
    private void RefuseUntrustedMemory()
    {
        if (_memoryUntrusted)
        {
            throw new InvalidOperationException($"App '{_app.Id}' of tenant '{_tenantId}' is reloading its state after a failed write; try again.");
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Not written on its own: an app writes once per apply, and acknowledging in a write of its own was about 30 % of
    /// its writes. Until a write carries the removal, a crash brings the entries back, which is safe (see <see cref="OnDeactivateAsync"/>).
    /// </remarks>
    public Task AcknowledgeOutboxAsync(IReadOnlyList<long> entryIds)
    {
        _acknowledgedUnwritten |= Data.Outbox.RemoveAll(e => entryIds.Contains(e.Id)) > 0;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<AppSnapshot> GetAsync()
    {
        var now = CurrentTenant.Clock.GetUtcNow();
        var holdTimeout = CurrentTenant.Settings.Ordering.HoldTimeout;
        var tables = Data.Tables.ToDictionary(
            t => t.Key,
            t => (IReadOnlyList<RecordView>)t.Value.Values.Select(r => new RecordView(r.Key, r.EventId, r.EventType, r.IdempotencyKey, r.View(), r.StandsIn)).ToList());
        var held = Data.Held.Select(h => new HeldView(h.Delivery.Envelope.Id, h.Delivery.Envelope.EventType, h.Delivery.Envelope.IdempotencyKey,
            h.HeldSince, now - h.HeldSince > holdTimeout, h.WaitingFor)).ToList();
        return Task.FromResult(new AppSnapshot(CurrentTenant.Id, _app.Id, tables, Data.Inbox.Count, held, Data.Outbox.Count, [.. Data.Conflicts]));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ApplyReceipt>> ReceiptsAsync() =>
        Task.FromResult<IReadOnlyList<ApplyReceipt>>(Data.Inbox.Values.OrderBy(r => r.AppliedAt).ThenBy(r => r.IdempotencyKey, StringComparer.Ordinal).ToList());

    private RecordEffect EffectOf(Delivery delivery) =>
        _app.EffectOf(delivery.Role, delivery.Envelope)
        ?? throw new InvalidOperationException($"App '{_app.Id}' has no effect for {delivery.Role} '{delivery.Envelope.EventType}'; the catalog changed under a running tenant.");

    /// <summary>What must exist before the delivery may apply, as readable names; empty when it may apply now.</summary>
    private List<string> Missing(Delivery delivery)
    {
        var missing = new List<string>();
        foreach (var requirement in EffectOf(delivery).AllRequirements)
        {
            var key = delivery.Envelope.DataString(requirement.KeyField);
            if (key is null || !Exists(requirement.Table, key))
            {
                missing.Add($"{requirement.Table}/{key ?? $"(no {requirement.KeyField})"}");
            }
        }

        if (delivery.HoldUntilApplied is { } cause && !Data.AppliedEvents.Contains(cause))
        {
            missing.Add($"event {cause}");
        }

        return missing;
    }

    private bool Exists(string table, string key) => Data.Tables.TryGetValue(table, out var rows) && rows.ContainsKey(key);

    /// <summary>Applies held deliveries whose predecessors are now there, until none more can apply.</summary>
    private void ReleaseHeld(DateTimeOffset now)
    {
        bool progress;
        do
        {
            progress = false;
            // In the order of their events' sequence: held deliveries released together may compete for a record.
            foreach (var held in Data.Held.OrderBy(h => h.Delivery.Envelope.Sequence).ThenBy(h => h.HeldSince)
                         .ThenBy(h => h.Delivery.InboxKey, StringComparer.Ordinal).ToList())
            {
                if (Missing(held.Delivery).Count == 0)
                {
                    Data.Held.Remove(held);
                    Apply(held.Delivery, now, held.HeldSince, depth: 0).DuplicatesRefused += held.DuplicatesRefused;
                    progress = true;
                }
            }
        }
        while (progress);
    }

    /// <summary>Writes the effect, the receipt, the fan-out and the reactions into the state (in memory; the caller writes once).</summary>
    private ApplyReceipt Apply(Delivery delivery, DateTimeOffset now, DateTimeOffset? heldSince, int depth)
    {
        var envelope = delivery.Envelope;
        var effect = EffectOf(delivery);
        var key = effect.KeyOf(envelope)!; // the gateway refuses an event without the fields its records are keyed by
        WriteRecord(effect, key, envelope, StandInFor(delivery));
        var receipt = new ApplyReceipt
        {
            IdempotencyKey = envelope.IdempotencyKey,
            EventId = envelope.Id,
            EventType = envelope.EventType,
            App = _app.Id,
            Role = delivery.Role,
            AppliedAt = now,
            Effects = [$"{effect.Table}/{key}"],
            HeldSince = heldSince,
            StandsInFor = delivery.StandsInFor,
        };
        Data.Inbox[delivery.InboxKey] = receipt;
        Data.AppliedEvents.Add(envelope.ScopedId);
        if (delivery.Role == DeliveryRole.Source)
        {
            Data.Outbox.Add(new OutboxEntry
            {
                Id = Data.NextOutboxId++,
                Envelope = envelope,
                Targets = delivery.FanOut?.ToList() ?? envelope.Targets.Select(t => new OutboxTarget(t, null)).ToList(),
            });
        }

        foreach (var reaction in reactions.For(_app.Id, envelope.EventType, delivery.Role))
        {
            foreach (var produced in reaction.React(envelope, new AppTables(Data), _app))
            {
                var reactionDelivery = ReactionDelivery(envelope, produced);
                receipt.Reactions.Add(reactionDelivery.Envelope.Id);
                if (Data.Inbox.ContainsKey(reactionDelivery.InboxKey) || Data.Held.Exists(h => h.Delivery.InboxKey == reactionDelivery.InboxKey))
                {
                    continue;
                }

                if (depth >= MaxReactionDepth)
                {
                    throw new InvalidOperationException($"Reactions of '{envelope.EventType}' at '{_app.Id}' nest deeper than {MaxReactionDepth}: a reaction cycle.");
                }

                var missing = Missing(reactionDelivery);
                if (missing.Count > 0)
                {
                    Data.Held.Add(new HeldDelivery { Delivery = reactionDelivery, HeldSince = now, WaitingFor = missing });
                }
                else
                {
                    Apply(reactionDelivery, now, heldSince: null, depth + 1);
                }
            }
        }

        return receipt;
    }

    /// <summary>As a fallback: the record the target would have written (the catalog checked it takes the event).</summary>
    private StandIn? StandInFor(Delivery delivery)
    {
        if (delivery.StandsInFor is not { } target)
        {
            return null;
        }

        var effect = catalog.Find(target)?.ConsumerEffect(delivery.Envelope.EventType)
            ?? throw new InvalidOperationException($"'{_app.Id}' stands in for '{target}', which does not take '{delivery.Envelope.EventType}'.");
        return new StandIn(target, effect.Table, effect.KeyOf(delivery.Envelope)!);
    }

    private void WriteRecord(RecordEffect effect, string key, EventEnvelope envelope, StandIn? standsIn)
    {
        if (!Data.Tables.TryGetValue(effect.Table, out var table))
        {
            Data.Tables[effect.Table] = table = new SortedDictionary<string, AppRecord>(StringComparer.Ordinal);
        }

        if (effect.Mode == EffectMode.Merge)
        {
            table[key].Merges[envelope.ScopedKey] = envelope.Data;
            return;
        }

        var record = new AppRecord
        {
            Key = key, EventId = envelope.Id, EventType = envelope.EventType, IdempotencyKey = envelope.IdempotencyKey,
            Time = envelope.Time, Data = envelope.Data, StandsIn = standsIn,
        };
        if (!table.TryGetValue(key, out var existing))
        {
            table[key] = record;
            return;
        }

        // Two different events claim one key: the same one keeps it whatever the arrival order.
        var (winner, loser) = RecordPrecedence.Precedes(record.IdempotencyKey, record.EventType, existing.IdempotencyKey, existing.EventType)
            ? (record, existing)
            : (existing, record);
        if (winner == record)
        {
            record.Merges = existing.Merges;
            table[key] = record;
        }

        Data.Conflicts.Add($"{effect.Table}/{key}: kept {winner.IdempotencyKey} over {loser.IdempotencyKey}");
    }

    /// <summary>The reaction as an event of this app with a deterministic key, fanned out with holds where a target also gets the cause.</summary>
    private Delivery ReactionDelivery(EventEnvelope cause, ReactionEvent produced)
    {
        var published = _app.Publishes.GetValueOrDefault(produced.Action)
            ?? throw new InvalidOperationException($"A reaction of '{_app.Id}' publishes '{produced.Action}', which the catalog does not list for it.");
        // The separator is refused in published keys, so a reaction's key can never equal one a client chose.
        var key = $"{cause.IdempotencyKey}{EnvelopeParser.ReactionKeySeparator}{_app.Id}.{produced.Name}";
        if (key.Length > EnvelopeParser.MaxIdLength)
        {
            key = $"rx{EnvelopeParser.ReactionKeySeparator}{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}";
        }

        var envelope = new EventEnvelope
        {
            Id = EnvelopeParser.DerivedId(_app.Id, key),
            EventType = $"{_app.Id}:{produced.Action}",
            SourceApp = _app.Id,
            Targets = published.Targets,
            Time = cause.Time,
            Subject = produced.Subject,
            Data = JsonSerializer.SerializeToElement(produced.Data),
            CorrelationId = cause.CorrelationId,
            CausationId = cause.Id,
            IdempotencyKey = key,
            Sequence = cause.Sequence,
        };
        var causeRecipients = cause.Targets.Append(cause.SourceApp).ToHashSet();
        var fanOut = published.Targets.Select(t => new OutboxTarget(t, causeRecipients.Contains(t) ? cause.ScopedId : null)).ToList();
        return new Delivery(envelope, DeliveryRole.Source, FanOut: fanOut);
    }
}
