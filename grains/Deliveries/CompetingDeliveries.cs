using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;

namespace ApexOrleans.Grains.Deliveries;

/// <summary>
/// The order rule for deliveries that compete for a record at one app: two deliveries compete when the records their
/// effects write or need there overlap (two payments of one invoice, a refund under a payment's id). Of competing
/// deliveries, only the one whose event comes first (sequence, then enqueue order) may be attempted; the others wait
/// until it is delivered, failed over or dead-lettered. Deliveries that touch different records are never held up, and
/// an app the catalog does not know has no records to compete for.
/// </summary>
public sealed class CompetingDeliveries(AppDefinition? app)
{
    private static readonly IReadOnlyDictionary<long, DeliveryItem> NoneWaiting = new Dictionary<long, DeliveryItem>();

    /// <summary>The items that must wait, each with the item it waits behind.</summary>
    public IReadOnlyDictionary<long, DeliveryItem> Waiting(IReadOnlyCollection<DeliveryItem> pending)
    {
        if (pending.Count < 2)
        {
            return NoneWaiting; // the common case, asked on every turn of a queue: no sorting, no record keys
        }

        var first = new Dictionary<string, DeliveryItem>(StringComparer.Ordinal);
        var waiting = new Dictionary<long, DeliveryItem>();
        foreach (var item in pending.Where(i => i.FailedOverTo is null).OrderBy(i => i.Delivery.Envelope.Sequence).ThenBy(i => i.Id))
        {
            foreach (var record in Records(item.Delivery))
            {
                if (first.TryGetValue(record, out var ahead))
                {
                    waiting.TryAdd(item.Id, ahead);
                }
                else
                {
                    first[record] = item;
                }
            }
        }

        return waiting;
    }

    /// <summary>The records (<c>table/key</c>) the delivery's effect writes or needs at the app: its own record and its prerequisites.</summary>
    public IEnumerable<string> Records(Delivery delivery)
    {
        if (app?.EffectOf(delivery.Role, delivery.Envelope) is not { } effect)
        {
            yield break;
        }

        if (effect.KeyOf(delivery.Envelope) is { } key)
        {
            yield return $"{effect.Table}/{key}";
        }

        foreach (var requirement in effect.Requires)
        {
            if (delivery.Envelope.DataString(requirement.KeyField) is { } required)
            {
                yield return $"{requirement.Table}/{required}";
            }
        }
    }
}
