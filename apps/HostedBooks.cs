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
    private readonly HashSet<string> _messages = [];

    /// <summary>Takes a delivery whose message id is <paramref name="messageId"/>: a message seen before is a duplicate, counted and refused.</summary>
    public ApplyResult Take(string messageId, Delivery delivery, DateTimeOffset at)
    {
        lock (_gate)
        {
            var seen = !_messages.Add(messageId);
            var result = ledger.Receive(_books, delivery, at);
            _books.Outbox.Clear();
            return seen && result.Status != ApplyStatus.Duplicate ? result with { Status = ApplyStatus.Duplicate } : result;
        }
    }

    /// <summary>The app's tables, held events and counts.</summary>
    public AppSnapshot Snapshot(DateTimeOffset now)
    {
        lock (_gate)
        {
            return ledger.Snapshot(_books, tenant, now, new OrderingOptions().HoldTimeout);
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
