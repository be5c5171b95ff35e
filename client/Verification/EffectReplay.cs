using ApexOrleans.Client.Evidence;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Books;

namespace ApexOrleans.Client.Verification;

/// <summary>Every app's books rebuilt from a history, with where the history's receipts disagree with them.</summary>
public sealed record RebuiltBooks(string FinalState, IReadOnlyList<string> Problems);

/// <summary>
/// Rebuilds every app's books from a bundle's history alone: each apply receipt's delivery (its event read from
/// events.jsonl) reaches its app again when it reached it then (held since, or applied at), in its queue's order, and
/// the mesh's own rules (<see cref="AppLedger"/> over the bundle's catalog) hold, release and apply it and make the
/// reactions again. What the receipts say each apply did (when, held since when, its effects, its reactions) must be what
/// the rules do, every reaction made must have its receipt, and the books rendered as the mesh renders them are the
/// final state the history leads to.
/// </summary>
public sealed class EffectReplay(AppCatalog catalog)
{
    private readonly ReactionCatalog _reactions = new(catalog, ReactionCatalog.BuiltIn);

    /// <summary>Rebuilds the books of every app of the catalog from <paramref name="events"/> and <paramref name="receipts"/>.</summary>
    public RebuiltBooks Rebuild(IReadOnlyList<EventLine> events, IReadOnlyList<ReceiptLine> receipts, string receiptsFile = "receipts.jsonl")
    {
        var problems = new List<string>();
        var deliveries = events.Where(e => e.Kind == "delivery").ToList();
        var position = new Dictionary<EventLine, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < deliveries.Count; i++)
        {
            position[deliveries[i]] = i;
        }

        var byEvent = deliveries.ToLookup(d => d.EventId);
        var snapshots = new Dictionary<string, AppSnapshot>(StringComparer.Ordinal);
        foreach (var app in catalog.Apps.Values)
        {
            var books = new AppState();
            var ledger = new AppLedger(app, catalog, _reactions);
            var applies = receipts.Where(r => r.Kind == "apply" && r.App == app.Id).ToList();
            var made = applies.SelectMany(a => a.Reactions).ToHashSet(StringComparer.Ordinal); // the rules make these themselves
            var arrivals = new List<(ReceiptLine? Receipt, EventLine Line, DateTimeOffset At)>();
            foreach (var apply in applies.Where(a => !made.Contains(a.EventId)))
            {
                var line = byEvent[apply.EventId].FirstOrDefault(d => d.Target == app.Id && d.Role == apply.Role && d.StandsInFor == apply.StandsInFor);
                var arrived = apply.HeldSince ?? apply.At;
                if (line is null)
                {
                    problems.Add($"{receiptsFile}: {app.Id} applied {apply.IdempotencyKey} as {apply.Role}, but events.jsonl has no such delivery to it");
                    continue;
                }

                if (line.FailedOver)
                {
                    problems.Add($"{receiptsFile}: {app.Id} applied {apply.IdempotencyKey}, whose delivery to it events.jsonl shows failed over to {line.FailedOverTo}");
                }

                if (!line.Attempts.Any(a => EffectCount.MayHaveReachedTarget(a) && a.At <= arrived))
                {
                    problems.Add($"{receiptsFile}: {app.Id} took {apply.IdempotencyKey} at {arrived:O}, but no attempt of its delivery reached {app.Id} by then");
                }

                arrivals.Add((apply, line, arrived));
            }

            // A delivery the app took and never applied is held at the end: it reaches the rebuilt books too, and the rules decide.
            arrivals.AddRange(deliveries
                .Where(d => d.Target == app.Id && !applies.Any(a => a.EventId == d.EventId && a.Role == d.Role && a.StandsInFor == d.StandsInFor))
                .Select(d => (d, Held: d.Attempts.FirstOrDefault(a => a.Outcome == nameof(ApplyStatus.Held))))
                .Where(x => x.Held is not null)
                .Select(x => ((ReceiptLine?)null, x.d, x.Held!.At)));

            var fed = new List<(ReceiptLine? Receipt, string InboxKey)>();
            foreach (var (receipt, line, at) in arrivals.OrderBy(a => a.At).ThenBy(a => position[a.Line]))
            {
                var delivery = DeliveryOf(line, byEvent);
                fed.Add((receipt, delivery.InboxKey));
                ledger.Receive(books, delivery, at);
            }

            Compare(app.Id, applies, made, fed, books, problems, receiptsFile);
            // An outbox entry is handed on once every target's queue has the event; the history shows that as the target's delivery line.
            books.Outbox.RemoveAll(entry => entry.Targets.All(t => byEvent[entry.Envelope.Id].Any(d => d.Target == t.App && d.Role == nameof(DeliveryRole.Target))));
            snapshots[app.Id] = ledger.Snapshot(books, "", applies.Select(a => a.At).DefaultIfEmpty().Max(), TimeSpan.MaxValue);
        }

        return new RebuiltBooks(TenantStateReader.Canonical(snapshots), problems);
    }

    /// <summary>The delivery a line shows, with the hold the mesh puts on a reaction at an app that also gets its cause.</summary>
    private static Delivery DeliveryOf(EventLine line, ILookup<string, EventLine> byEvent)
    {
        var envelope = RecordedEnvelope.Of(line);
        var role = Enum.Parse<DeliveryRole>(line.Role!);
        string? hold = null;
        if (role == DeliveryRole.Target && line.CausationId is { } causeId && envelope.IdempotencyKey.Contains(EnvelopeParser.ReactionKeySeparator)
            && byEvent[causeId].FirstOrDefault() is { } cause)
        {
            var causeEnvelope = RecordedEnvelope.Of(cause);
            hold = causeEnvelope.Targets.Append(causeEnvelope.SourceApp).Contains(line.Target) ? causeEnvelope.ScopedId : null;
        }

        return new Delivery(envelope, role, HoldUntilApplied: hold, StandsInFor: line.StandsInFor);
    }

    /// <summary>Each receipt against what the rules did, and every receipt the rules made against the history's.</summary>
    private static void Compare(string app, List<ReceiptLine> applies, HashSet<string> made, List<(ReceiptLine? Receipt, string InboxKey)> fed, AppState books,
        List<string> problems, string receiptsFile)
    {
        var rebuilt = books.Inbox.ToDictionary(r => r.Key, r => r.Value);
        var recorded = fed.Where(f => f.Receipt is not null).Select(f => (f.Receipt!, f.InboxKey))
            .Concat(applies.Where(a => made.Contains(a.EventId)).Select(a => (a, $"source:{a.IdempotencyKey}")));
        foreach (var (receipt, inboxKey) in recorded)
        {
            var what = $"{receiptsFile}: {app}'s apply of {receipt.IdempotencyKey}";
            if (!rebuilt.Remove(inboxKey, out var derived))
            {
                var held = books.Held.FirstOrDefault(h => h.Delivery.InboxKey == inboxKey);
                problems.Add(held is not null
                    ? $"{what}: applied again as the history delivers it, it still waits for {string.Join(", ", held.WaitingFor)}"
                    : $"{what}: the rules never apply it (no cause makes it)");
                continue;
            }

            if (!derived.Effects.SequenceEqual(receipt.Effects))
            {
                problems.Add($"{what}: the receipt says effects [{string.Join(", ", receipt.Effects)}], applied again [{string.Join(", ", derived.Effects)}]");
            }

            if (!derived.Reactions.SequenceEqual(receipt.Reactions))
            {
                problems.Add($"{what}: the receipt says reactions [{string.Join(", ", receipt.Reactions)}], applied again [{string.Join(", ", derived.Reactions)}]");
            }

            if (derived.AppliedAt != receipt.At || derived.HeldSince != receipt.HeldSince)
            {
                problems.Add($"{what}: the receipt says applied at {receipt.At:O}{Since(receipt.HeldSince)}, applied again at {derived.AppliedAt:O}{Since(derived.HeldSince)}");
            }

            if (derived.EventId != receipt.EventId)
            {
                problems.Add($"{what}: the receipt says event {receipt.EventId}, applied again {derived.EventId}");
            }
        }

        problems.AddRange(rebuilt.Values.Select(r => $"{receiptsFile}: {app} has no receipt of {r.IdempotencyKey} ({r.Role}), which applying the history again applies"));
    }

    private static string Since(DateTimeOffset? heldSince) => heldSince is { } since ? $" (held since {since:O})" : "";
}
