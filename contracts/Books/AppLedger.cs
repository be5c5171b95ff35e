using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Books;

/// <summary>
/// The rules of one app's books, over its state in memory: a delivery is applied at most once (its receipt beside its
/// effect), waits while a predecessor is missing, releases what waited for it, and publishes its reactions. Nothing
/// here reads a clock or storage: <see cref="AppGrain"/> passes the time in and writes the state once per delivery.
/// </summary>
public sealed class AppLedger(AppDefinition app, AppCatalog catalog, ReactionCatalog reactions)
{
    private const int MaxReactionDepth = 8;

    /// <summary>Takes <paramref name="delivery"/> into <paramref name="books"/> at <paramref name="now"/>: applied, held, or a duplicate refused (and counted).</summary>
    public ApplyResult Receive(AppState books, Delivery delivery, DateTimeOffset now)
    {
        if (Repeat(books, delivery.InboxKey) is { } repeat)
        {
            return repeat;
        }

        var missing = Missing(books, delivery);
        if (missing.Count > 0)
        {
            books.Held.Add(new HeldDelivery { Delivery = delivery, HeldSince = now, WaitingFor = missing });
            return new ApplyResult(ApplyStatus.Held, null, missing);
        }

        var receipt = Apply(books, delivery, now, heldSince: null, depth: 0);
        ReleaseHeld(books, now);
        return new ApplyResult(ApplyStatus.Applied, receipt, []);
    }

    /// <summary>Whether <paramref name="books"/> hold the delivery <paramref name="inboxKey"/> already, applied or held: taking it again only counts it.</summary>
    public static bool Holds(AppState books, string inboxKey) => books.Inbox.ContainsKey(inboxKey) || books.Held.Exists(h => h.Delivery.InboxKey == inboxKey);

    /// <summary>Counts a repeat of the delivery <paramref name="inboxKey"/>, as <see cref="Receive"/> counted it; false when the books do not hold it.</summary>
    public static bool CountRepeat(AppState books, string inboxKey) => Repeat(books, inboxKey) is not null;

    /// <summary>A repeat of a delivery the books hold, counted and answered as the first one was; null for a delivery they do not hold.</summary>
    private static ApplyResult? Repeat(AppState books, string inboxKey)
    {
        if (books.Inbox.TryGetValue(inboxKey, out var receipt))
        {
            receipt.DuplicatesRefused++;
            return new ApplyResult(ApplyStatus.Duplicate, receipt, []);
        }

        if (books.Held.Find(h => h.Delivery.InboxKey == inboxKey) is { } alreadyHeld)
        {
            alreadyHeld.DuplicatesRefused++;
            return new ApplyResult(ApplyStatus.Held, null, alreadyHeld.WaitingFor);
        }

        return null;
    }

    /// <summary>The app's tables, inbox, held deliveries and outbox as they are; a delivery held past <paramref name="holdTimeout"/> is marked overdue.</summary>
    public AppSnapshot Snapshot(AppState books, string tenant, DateTimeOffset now, TimeSpan holdTimeout)
    {
        var tables = books.Tables.ToDictionary(
            t => t.Key,
            t => (IReadOnlyList<RecordView>)t.Value.Values.Select(r => new RecordView(r.Key, r.EventId, r.EventType, r.IdempotencyKey, r.View(), r.StandsIn)).ToList());
        var held = books.Held.Select(h => new HeldView(h.Delivery.Envelope.Id, h.Delivery.Envelope.EventType, h.Delivery.Envelope.IdempotencyKey,
            h.HeldSince, now - h.HeldSince > holdTimeout, h.WaitingFor)).ToList();
        return new AppSnapshot(tenant, app.Id, tables, books.Inbox.Count, held, books.Outbox.Count, [.. books.Conflicts]);
    }

    /// <summary>Every receipt, in the order applied (ties by key).</summary>
    public static IReadOnlyList<ApplyReceipt> Receipts(AppState books) =>
        books.Inbox.Values.OrderBy(r => r.AppliedAt).ThenBy(r => r.IdempotencyKey, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Whether this app records <paramref name="delivery"/> at all: it has an effect for it whose key the payload holds, and
    /// as a fallback it stands in for an app that takes it. The mesh routes nothing else here; a host that takes deliveries
    /// from outside asks first.
    /// </summary>
    public bool Accepts(Delivery delivery) =>
        app.EffectOf(delivery.Role, delivery.Envelope) is { } effect && effect.KeyOf(delivery.Envelope) is not null
        && (delivery.StandsInFor is not { } target || catalog.Find(target)?.ConsumerEffect(delivery.Envelope.EventType)?.KeyOf(delivery.Envelope) is not null);

    private RecordEffect EffectOf(Delivery delivery) =>
        app.EffectOf(delivery.Role, delivery.Envelope)
        ?? throw new InvalidOperationException($"App '{app.Id}' has no effect for {delivery.Role} '{delivery.Envelope.EventType}'; the catalog changed under a running tenant.");

    /// <summary>What must exist before the delivery may apply, as readable names; empty when it may apply now.</summary>
    private List<string> Missing(AppState books, Delivery delivery)
    {
        var missing = new List<string>();
        foreach (var requirement in EffectOf(delivery).AllRequirements)
        {
            var key = delivery.Envelope.DataString(requirement.KeyField);
            if (key is null || !Exists(books, requirement.Table, key))
            {
                missing.Add($"{requirement.Table}/{key ?? $"(no {requirement.KeyField})"}");
            }
        }

        if (delivery.HoldUntilApplied is { } cause && !books.AppliedEvents.Contains(cause))
        {
            missing.Add($"event {cause}");
        }

        return missing;
    }

    private static bool Exists(AppState books, string table, string key) => books.Tables.TryGetValue(table, out var rows) && rows.ContainsKey(key);

    /// <summary>Applies held deliveries whose predecessors are now there, until none more can apply.</summary>
    private void ReleaseHeld(AppState books, DateTimeOffset now)
    {
        bool progress;
        do
        {
            progress = false;
            // In the order of their events' sequence: held deliveries released together may compete for a record.
            foreach (var held in books.Held.OrderBy(h => h.Delivery.Envelope.Sequence).ThenBy(h => h.HeldSince)
                         .ThenBy(h => h.Delivery.InboxKey, StringComparer.Ordinal).ToList())
            {
                if (Missing(books, held.Delivery).Count == 0)
                {
                    books.Held.Remove(held);
                    Apply(books, held.Delivery, now, held.HeldSince, depth: 0).DuplicatesRefused += held.DuplicatesRefused;
                    progress = true;
                }
            }
        }
        while (progress);
    }

    /// <summary>Writes the effect, the receipt, the fan-out and the reactions into the state (in memory; the caller writes once).</summary>
    private ApplyReceipt Apply(AppState books, Delivery delivery, DateTimeOffset now, DateTimeOffset? heldSince, int depth)
    {
        var envelope = delivery.Envelope;
        var effect = EffectOf(delivery);
        var key = effect.KeyOf(envelope)!; // the gateway refuses an event without the fields its records are keyed by
        WriteRecord(books, effect, key, envelope, StandInFor(delivery));
        var receipt = new ApplyReceipt
        {
            IdempotencyKey = envelope.IdempotencyKey,
            EventId = envelope.Id,
            EventType = envelope.EventType,
            App = app.Id,
            Role = delivery.Role,
            AppliedAt = now,
            Effects = [$"{effect.Table}/{key}"],
            HeldSince = heldSince,
            StandsInFor = delivery.StandsInFor,
        };
        books.Inbox[delivery.InboxKey] = receipt;
        books.AppliedEvents.Add(envelope.ScopedId);
        if (delivery.Role == DeliveryRole.Source)
        {
            books.Outbox.Add(new OutboxEntry
            {
                Id = books.NextOutboxId++,
                Envelope = envelope,
                Targets = delivery.FanOut?.ToList() ?? envelope.Targets.Select(t => new OutboxTarget(t, null)).ToList(),
            });
        }

        foreach (var reaction in reactions.For(app.Id, envelope.EventType, delivery.Role))
        {
            foreach (var produced in reaction.React(envelope, new AppTables(books), app))
            {
                var reactionDelivery = ReactionDelivery(envelope, produced);
                receipt.Reactions.Add(reactionDelivery.Envelope.Id);
                if (books.Inbox.ContainsKey(reactionDelivery.InboxKey) || books.Held.Exists(h => h.Delivery.InboxKey == reactionDelivery.InboxKey))
                {
                    continue;
                }

                if (depth >= MaxReactionDepth)
                {
                    throw new InvalidOperationException($"Reactions of '{envelope.EventType}' at '{app.Id}' nest deeper than {MaxReactionDepth}: a reaction cycle.");
                }

                var missing = Missing(books, reactionDelivery);
                if (missing.Count > 0)
                {
                    books.Held.Add(new HeldDelivery { Delivery = reactionDelivery, HeldSince = now, WaitingFor = missing });
                }
                else
                {
                    Apply(books, reactionDelivery, now, heldSince: null, depth + 1);
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
            ?? throw new InvalidOperationException($"'{app.Id}' stands in for '{target}', which does not take '{delivery.Envelope.EventType}'.");
        return new StandIn(target, effect.Table, effect.KeyOf(delivery.Envelope)!);
    }

    private static void WriteRecord(AppState books, RecordEffect effect, string key, EventEnvelope envelope, StandIn? standsIn)
    {
        if (!books.Tables.TryGetValue(effect.Table, out var table))
        {
            books.Tables[effect.Table] = table = new SortedDictionary<string, AppRecord>(StringComparer.Ordinal);
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

        books.Conflicts.Add($"{effect.Table}/{key}: kept {winner.IdempotencyKey} over {loser.IdempotencyKey}");
    }

    /// <summary>The reaction as an event of this app with a deterministic key, fanned out with holds where a target also gets the cause.</summary>
    private Delivery ReactionDelivery(EventEnvelope cause, ReactionEvent produced)
    {
        var published = app.Publishes.GetValueOrDefault(produced.Action)
            ?? throw new InvalidOperationException($"A reaction of '{app.Id}' publishes '{produced.Action}', which the catalog does not list for it.");
        // The separator is refused in published keys, so a reaction's key can never equal one a client chose.
        var key = $"{cause.IdempotencyKey}{EnvelopeParser.ReactionKeySeparator}{app.Id}.{produced.Name}";
        if (key.Length > EnvelopeParser.MaxIdLength)
        {
            key = $"rx{EnvelopeParser.ReactionKeySeparator}{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}";
        }

        var envelope = new EventEnvelope
        {
            Id = EnvelopeParser.DerivedId(app.Id, key),
            EventType = $"{app.Id}:{produced.Action}",
            SourceApp = app.Id,
            Targets = published.Targets,
            Time = cause.Time,
            Subject = produced.Subject,
            Data = JsonSerializer.SerializeToElement(produced.Data),
            CorrelationId = cause.CorrelationId,
            CausationId = cause.Id,
            IdempotencyKey = key,
            Sequence = cause.Sequence,
            TraceParent = cause.TraceParent, // in its cause's trace (the app names its reaction's own span when it has one)
            TraceState = cause.TraceState,
        };
        var causeRecipients = cause.Targets.Append(cause.SourceApp).ToHashSet();
        var fanOut = published.Targets.Select(t => new OutboxTarget(t, causeRecipients.Contains(t) ? cause.ScopedId : null)).ToList();
        return new Delivery(envelope, DeliveryRole.Source, FanOut: fanOut);
    }
}
