using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Deliveries;
using ApexOrleans.Grains.Diagnostics;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Grains.Placement;
using ApexOrleans.Contracts.Books;
using ApexOrleans.Grains.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Providers;
using Orleans.Storage;

namespace ApexOrleans.Grains.Apps;

/// <summary>
/// One app of one tenant. Each delivery is applied at most once (its receipt sits in the same state as its
/// effect), waits in <see cref="AppState.Held"/> while a predecessor is missing, and may publish reactions.
/// The books are journaled: a write stores the delivery taken (<see cref="AppJournalEntry"/>), and an activation
/// replays its entries through the same <see cref="AppLedger"/>, so a write is one small row, not the whole books.
/// The grain never calls another grain: fan-out goes to its outbox, which <see cref="OutboxDispatcher"/>
/// hands to the targets' queues, so no call chain can come back to a busy app.
/// </summary>
[TenantPlacement]
public sealed class AppGrain(
    AppCatalog catalog,
    ReactionCatalog reactions,
    MeshTenants tenants,
    OutboxDispatcher dispatcher,
    CrashPoints crash,
    IOptions<StateJournalOptions> journalOptions) : TenantScopedGrain(tenants), IAppGrain
{
    /// <summary>The name of the app's state: its snapshot, and <c>app/{n}</c> for its entries.</summary>
    public const string StateName = "app";

    private AppDefinition _app = null!;
    private AppLedger _ledger = null!;
    private StateJournal<AppState, AppJournalEntry> _journal = null!;

    private AppState Books => _journal.State;

    // Outbox entries acknowledged since the last write: their removal rides on the app's next write, or on its deactivation.
    private List<long> _acknowledgedUnwritten = [];

    // A failed apply could not reload the durable state: this activation is on its way out and writes nothing when it goes.
    private bool _memoryUntrusted;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        _app = catalog.Find(Name) ?? throw new InvalidOperationException($"App '{Name}' is not in the app catalog.");
        _ledger = new AppLedger(_app, catalog, reactions);
        _journal = Journal(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME), this.GetGrainId(), _ledger, journalOptions.Value);
        await _journal.ReadAsync();
        NotifyDispatcher(); // published before a restart, not yet handed on
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
            _acknowledgedUnwritten = [];
            await _journal.RevertAsync(() =>
            {
                _memoryUntrusted = true; // memory is not the durable state: nothing of it may be written on the way out
                DeactivateOnIdle();
            });
            if (!_memoryUntrusted)
            {
                NotifyDispatcher();
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
        if (_acknowledgedUnwritten.Count > 0 && !_memoryUntrusted)
        {
            await WriteAsync(new AppJournalEntry()); // acknowledgements only: no time to record, and a retired tenant has no clock
        }
    }

    private async Task<ApplyResult> ApplyOnceAsync(Delivery delivery)
    {
        var now = CurrentTenant.Clock.GetUtcNow();
        var span = ApplySpans.Start(TenantId, _app.Id, delivery, RequestContext.Get(MeshTracing.CallerKey) as string, now);
        try
        {
            var repeat = AppLedger.Holds(Books, delivery.InboxKey);
            var outboxBefore = Books.Outbox.Count;
            var result = _ledger.Receive(Books, delivery, now);
            ApplySpans.Reactions(span, TenantId, Books.Outbox, outboxBefore, result, now);
            // A duplicate or a hold changes the state too (its count, its waiting list); a repeat is stored by its key alone.
            await WriteAsync(repeat ? new AppJournalEntry { Repeat = delivery.InboxKey, At = now } : new AppJournalEntry { Delivery = delivery, At = now });
            if (result.Status == ApplyStatus.Applied)
            {
                crash.Pass("app.after-commit"); // the effect and its receipt are stored; the answer has not gone back
                NotifyDispatcher();
            }

            ApplySpans.End(span, result, now);
            return result;
        }
        catch (Exception e)
        {
            ApplySpans.Failed(span, e, now);
            throw;
        }
    }

    /// <summary>Writes <paramref name="entry"/>, what the app just took, as the next journal entry; acknowledged outbox entries leave the store with it.</summary>
    private async Task WriteAsync(AppJournalEntry entry)
    {
        entry.Acknowledged = _acknowledgedUnwritten;
        await _journal.AppendAsync(entry);
        _acknowledgedUnwritten = [];
    }

    /// <summary>The journal of the app stored as <paramref name="app"/>: what an activation, and a reader of the store, replays.</summary>
    public static StateJournal<AppState, AppJournalEntry> Journal(IGrainStorage storage, GrainId app, AppLedger ledger, StateJournalOptions options) =>
        new(storage, StateName, app, (books, entry) => entry.ReplayInto(books, ledger), options);

    /// <inheritdoc />
    public Task ResumeAsync()
    {
        NotifyDispatcher();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Hands the outbox as stored now to the dispatcher, if anything waits in it. Called only when memory is the durable
    /// state (after a write, a read or a reload), so no entry of an apply that was never stored reaches a target.
    /// </summary>
    private void NotifyDispatcher()
    {
        if (Books.Outbox.Count > 0)
        {
            dispatcher.Notify(TenantId, _app.Id, [.. Books.Outbox]);
        }
    }

    /// <summary>
    /// Calls queued behind a failed apply whose state could not be reloaded fail, and their callers retry: the next
    /// activation loads the durable state, where this one holds changes that were never stored.
    /// </summary>
    private void RefuseUntrustedMemory()
    {
        if (_memoryUntrusted)
        {
            throw new InvalidOperationException($"App '{_app.Id}' of tenant '{TenantId}' is reloading its state after a failed write; try again.");
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Not written on its own: an app writes once per apply, and a write per acknowledgement would add one write for
    /// nearly every delivery it publishes (docs/performance.md). Until a write carries the removal, a crash brings the entries back, which is safe (see <see cref="OnDeactivateAsync"/>).
    /// </remarks>
    public Task AcknowledgeOutboxAsync(IReadOnlyList<long> entryIds)
    {
        foreach (var id in entryIds)
        {
            if (Books.Outbox.RemoveAll(e => e.Id == id) > 0)
            {
                _acknowledgedUnwritten.Add(id);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<AppSnapshot> GetAsync() =>
        Task.FromResult(_ledger.Snapshot(Books, CurrentTenant.Id, CurrentTenant.Clock.GetUtcNow(), CurrentTenant.Settings.Ordering.HoldTimeout));

    /// <inheritdoc />
    public Task<IReadOnlyList<ApplyReceipt>> ReceiptsAsync() => Task.FromResult(AppLedger.Receipts(Books));
}
