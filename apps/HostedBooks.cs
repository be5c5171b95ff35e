using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Books;
using ApexOrleans.Contracts.Deliveries;

namespace ApexOrleans.Apps;

/// <summary>
/// The records of one app of one tenant in the apps host: the same books and ledger as the mesh's app grain, so the host
/// keeps what the grain would have kept. One delivery at a time, as in a grain. Nothing is dispatched from here: the
/// mesh fans out the app's reactions itself, so the outbox is emptied as it fills.
/// </summary>
internal sealed class HostedBooks(string tenant, AppLedger ledger)
{
    private readonly Lock _gate = new();
    private readonly AppState _books = new();
    // The latest attempt time taken, on the tenant's clock: what "now" is for these books, never the host's wall clock.
    private DateTimeOffset _now;

    /// <summary>
    /// Takes a delivery: applied, held, or a repeat refused and counted. The message id is derived from the tenant, the app
    /// and the delivery's inbox key (the route checks it is this delivery's), so the ledger's refusal of a repeated inbox
    /// key is the refusal of a repeated id. Null when the app does not take such an event at all.
    /// </summary>
    public ApplyResult? Take(Delivery delivery, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (ledger.Accepts(delivery) is false)
            {
                return null;
            }

            var repeat = AppLedger.Holds(_books, delivery.InboxKey); // applied or held already: a repeat of its id
            var result = ledger.Receive(_books, delivery, at);
            _books.Outbox.Clear();
            _now = at > _now ? at : _now;
            return repeat ? result with { Status = ApplyStatus.Duplicate } : result; // answered 409, also while it is held
        }
    }

    /// <summary>The app's tables, held events and counts, as of the latest delivery it took.</summary>
    public AppSnapshot Snapshot()
    {
        lock (_gate)
        {
            return ledger.Snapshot(_books, tenant, _now, new OrderingOptions().HoldTimeout);
        }
    }

    /// <summary>Every receipt of what the app applied.</summary>
    public IReadOnlyList<ApplyReceipt> Receipts()
    {
        lock (_gate)
        {
            return AppLedger.Receipts(_books);
        }
    }
}
