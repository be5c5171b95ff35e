using ApexOrleans.Contracts.Deliveries;
using Orleans.Storage;

namespace ApexOrleans.Grains.Deliveries;

/// <summary>
/// A queue's history kept out of its hot state. The queue state holds only the items ended since the last page was
/// sealed; every <see cref="DeliveryOptions.HistoryPageSize"/> of them are written once as an immutable page (state
/// <c>queue-history-{n}</c> of the same grain) before the queue state that no longer holds them. So a queue write costs
/// what is pending and recent, not everything ever delivered: a long-lived target no longer rewrites 10,000 items per
/// delivery. A crash between the two writes leaves the page written and its items still recent: sealing again
/// overwrites that page with the items recent then, so nothing is lost or shown twice. Pages past the history limit
/// are cleared only after the queue state that stopped naming them is stored.
/// </summary>
internal sealed class DeliveryHistory(IGrainStorage storage, GrainId queue, long firstPage)
{
    private const string PagePrefix = "queue-history-";

    // Sealed pages never change: once read, a page is served from memory (dashboards poll queues).
    private readonly Dictionary<long, List<DeliveryItem>> _read = [];
    private long _clearedBelow = firstPage;

    /// <summary>Seals whole pages of the queue's recent items (in memory the queue then forgets them) and drops pages past the limit from the state.</summary>
    public async Task SealAsync(DeliveryQueueState state, DeliveryOptions options)
    {
        while (state.Delivered.Count >= options.HistoryPageSize)
        {
            var page = new GrainState<DeliveryHistoryPage> { State = new DeliveryHistoryPage { Items = state.Delivered.GetRange(0, options.HistoryPageSize) } };
            var name = PageName(state.NextHistoryPage);
            try
            {
                await storage.WriteStateAsync(name, queue, page);
            }
            catch (InconsistentStateException)
            {
                // Sealed before by a life of this queue whose own write did not follow: overwritten with the items recent now.
                var stored = new GrainState<DeliveryHistoryPage>();
                await storage.ReadStateAsync(name, queue, stored);
                page.ETag = stored.ETag;
                await storage.WriteStateAsync(name, queue, page);
            }

            _read.Remove(state.NextHistoryPage);
            state.NextHistoryPage++;
            state.Delivered.RemoveRange(0, options.HistoryPageSize);
        }

        while ((state.NextHistoryPage - state.FirstHistoryPage) * options.HistoryPageSize > options.DeliveredHistoryLimit)
        {
            state.FirstHistoryPage++;
        }
    }

    /// <summary>
    /// Clears the pages the stored queue state no longer names; call after that state was written. Clearing is tidying,
    /// not durability: a storage failure stops it, and the next call of this activation goes on from the same page; a page
    /// left by a crash before its clearing is never read again, only kept.
    /// </summary>
    public async Task PruneAsync(DeliveryQueueState stored)
    {
        for (; _clearedBelow < stored.FirstHistoryPage; _clearedBelow++)
        {
            _read.Remove(_clearedBelow);
            var page = new GrainState<DeliveryHistoryPage>();
            try
            {
                await storage.ReadStateAsync(PageName(_clearedBelow), queue, page);
                await storage.ClearStateAsync(PageName(_clearedBelow), queue, page);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return; // a page not cleared now is cleared by the next call of this activation (or left behind: it is never read)
            }
        }
    }

    /// <summary>Every item still kept: the sealed pages in order, then the recent ones.</summary>
    public async Task<List<DeliveryItem>> ReadAsync(DeliveryQueueState state)
    {
        var items = new List<DeliveryItem>();
        for (var number = state.FirstHistoryPage; number < state.NextHistoryPage; number++)
        {
            if (!_read.TryGetValue(number, out var pageItems))
            {
                var page = new GrainState<DeliveryHistoryPage>();
                await storage.ReadStateAsync(PageName(number), queue, page);
                _read[number] = pageItems = (page.State ?? new()).Items;
            }

            items.AddRange(pageItems);
        }

        items.AddRange(state.Delivered);
        return items;
    }

    private static string PageName(long number) => $"{PagePrefix}{number}";
}
