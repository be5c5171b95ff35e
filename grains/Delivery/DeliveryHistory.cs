using ApexOrleans.Runtime;
using ApexOrleans.Runtime.Storage;

namespace ApexOrleans.Grains.Delivery;

/// <summary>A sealed page of a queue's delivered history: written once, never changed.</summary>
public sealed class DeliveryHistoryPage
{
    /// <summary>The delivered items, in delivery order.</summary>
    public List<DeliveryItem> Items { get; set; } = [];
}

/// <summary>
/// A queue's delivered history kept out of its hot state. The queue state holds only the items delivered since the last
/// page was sealed; every <see cref="DeliveryOptions.HistoryPageSize"/> of them are written once as an immutable page
/// (state <c>queue-history-{n}</c> of the same grain) before the queue state that no longer holds them. So a queue write
/// costs what is pending and recent, not everything ever delivered: a long-lived target no longer rewrites 10,000 items
/// per delivery. A crash between the two writes leaves the page written and the items still recent; sealing again
/// rewrites the same page with the same items, so nothing is lost or shown twice.
/// </summary>
internal sealed class DeliveryHistory(IGrainStorage storage, GrainId queue)
{
    private const string PagePrefix = "queue-history-";

    /// <summary>Seals the queue's recent delivered items into the next page (in memory the queue then forgets them), and prunes past the limit.</summary>
    public async Task SealAsync(DeliveryQueueState state, DeliveryOptions options)
    {
        var page = new GrainState<DeliveryHistoryPage> { State = new DeliveryHistoryPage { Items = [.. state.Delivered] } };
        var name = PageName(state.NextHistoryPage);
        try
        {
            await storage.WriteStateAsync(name, queue, page).ConfigureAwait(false);
        }
        catch (InconsistentStateException)
        {
            // Sealed before, by a life of this queue whose own write did not follow: the same items, written again.
            var stored = new GrainState<DeliveryHistoryPage>();
            await storage.ReadStateAsync(name, queue, stored).ConfigureAwait(false);
            page.ETag = stored.ETag;
            await storage.WriteStateAsync(name, queue, page).ConfigureAwait(false);
        }

        state.NextHistoryPage++;
        state.Delivered.Clear();
        while ((state.NextHistoryPage - state.FirstHistoryPage) * options.HistoryPageSize > options.DeliveredHistoryLimit)
        {
            await ClearAsync(state.FirstHistoryPage).ConfigureAwait(false);
            state.FirstHistoryPage++;
        }
    }

    /// <summary>Every delivered item still kept: the sealed pages in order, then the recent ones.</summary>
    public async Task<List<DeliveryItem>> ReadAsync(DeliveryQueueState state)
    {
        var items = new List<DeliveryItem>();
        for (var number = state.FirstHistoryPage; number < state.NextHistoryPage; number++)
        {
            var page = new GrainState<DeliveryHistoryPage>();
            await storage.ReadStateAsync(PageName(number), queue, page).ConfigureAwait(false);
            items.AddRange(page.State.Items);
        }

        items.AddRange(state.Delivered);
        return items;
    }

    private async Task ClearAsync(long number)
    {
        var page = new GrainState<DeliveryHistoryPage>();
        await storage.ReadStateAsync(PageName(number), queue, page).ConfigureAwait(false);
        await storage.ClearStateAsync(PageName(number), queue, page).ConfigureAwait(false);
    }

    private static string PageName(long number) => $"{PagePrefix}{number}";
}
