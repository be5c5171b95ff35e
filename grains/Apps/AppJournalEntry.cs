using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Books;
using ApexOrleans.Contracts.Deliveries;

namespace ApexOrleans.Grains.Apps;

/// <summary>
/// One write of an app: a delivery it took at a time (applied or held), or a repeat of one it holds (refused and counted,
/// stored by its inbox key alone), and the outbox entries acknowledged since its last write. The books are what the app's
/// rules make of these, so this is all an app stores.
/// </summary>
public sealed class AppJournalEntry
{
    /// <summary>The delivery taken; null for a repeat, or for an entry that only carries acknowledgements.</summary>
    public Delivery? Delivery { get; set; }

    /// <summary>The inbox key of a delivery taken again, which an earlier entry holds: only its count changes.</summary>
    public string? Repeat { get; set; }

    /// <summary>When it was taken, on the tenant's clock (unset for an entry of acknowledgements only).</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>Outbox entries handed to every target's queue before this delivery was taken.</summary>
    public List<long> Acknowledged { get; set; } = [];

    /// <summary>Takes the entry into <paramref name="books"/> again, by the rules that took it the first time.</summary>
    public void ReplayInto(AppState books, AppLedger ledger)
    {
        if (Acknowledged.Count > 0)
        {
            books.Outbox.RemoveAll(e => Acknowledged.Contains(e.Id));
        }

        if (Delivery is not null)
        {
            ledger.Receive(books, Delivery, At);
        }
        else if (Repeat is not null)
        {
            AppLedger.CountRepeat(books, Repeat);
        }
    }
}
