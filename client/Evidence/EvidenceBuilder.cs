using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Client.Evidence;

/// <summary>The lines and files of a bundle, built from a run record in a fixed order so the same run gives the same text.</summary>
public sealed record EvidenceFiles(
    IReadOnlyList<EventLine> Events, IReadOnlyList<ReceiptLine> Receipts, IReadOnlyList<InjectionLine> Injections, CircuitsFile Circuits)
{
    /// <summary>Builds the lines of a run.</summary>
    public static EvidenceFiles From(RunRecord run)
    {
        var events = new List<EventLine>();
        foreach (var publish in run.Publishes)
        {
            events.Add(Line(publish.Envelope, "publish") with
            {
                Status = publish.Receipt.Status.ToString().ToLowerInvariant(),
                RepeatedPublish = publish.Repeated,
                At = publish.Receipt.AcceptedAt,
            });
        }

        events.AddRange(run.ChangedPayloadReplays.Select(replay => Line(replay.Envelope, "publish") with { Status = replay.Answer, ChangedPayload = true, At = replay.At }));
        var deliveries = run.Queues.OrderBy(q => q.Key, StringComparer.Ordinal).SelectMany(q =>
            q.Value.Delivered.Select(i => (Target: q.Key, Item: i, Status: i.FailedOverTo is null ? "delivered" : "failed-over"))
                .Concat(q.Value.Pending.Select(i => (Target: q.Key, Item: i, Status: "pending")))
                .Concat(q.Value.DeadLetters.Select(i => (Target: q.Key, Item: i, Status: "dead-letter")))
                .OrderBy(d => d.Item.Id)).ToList();
        foreach (var (target, item, status) in deliveries)
        {
            events.Add(Line(item.Delivery.Envelope, "delivery") with
            {
                Target = target,
                Role = item.Delivery.Role.ToString(),
                Status = status,
                Outcome = item.Outcome?.ToString(),
                At = item.EnqueuedAt,
                InjectedDelayMs = item.InjectedDelay.TotalMilliseconds,
                QueuedBecause = item.QueuedBecause,
                CompletedAt = item.CompletedAt,
                Attempts = item.Attempts.Select(a => new AttemptLine(a.Number, a.At, a.Fault.ToString(), a.Succeeded, a.Probe, a.Error,
                    a.Outcome?.ToString(), Math.Round(a.WallMilliseconds, 3), a.Sequence, a.Http)).ToList(),
                FailedOverTo = item.FailedOverTo,
                StandsInFor = item.Delivery.StandsInFor,
            });
        }

        return new EvidenceFiles(events, ReceiptLines(run), InjectionLines(events, deliveries.Select(d => (d.Target, d.Item))), CircuitLines(run));
    }

    private static EventLine Line(EventEnvelope envelope, string kind) => new()
    {
        Kind = kind,
        Beat = envelope.Sequence,
        EventId = envelope.Id,
        IdempotencyKey = envelope.IdempotencyKey,
        CorrelationId = envelope.CorrelationId,
        CausationId = envelope.CausationId,
        EventType = envelope.EventType,
        Source = envelope.SourceApp,
        Status = "",
        CloudEvent = JsonNode.Parse(CloudEventWriter.ToJson(envelope))!,
    };

    private static List<ReceiptLine> ReceiptLines(RunRecord run)
    {
        var lines = new List<ReceiptLine>();
        foreach (var (key, state) in run.Keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (state is null)
            {
                continue;
            }

            lines.Add(new ReceiptLine
            {
                Kind = "claim", IdempotencyKey = key, EventId = state.EventId, App = state.Receipt?.SourceApp, Source = state.Receipt?.SourceApp, At = state.ClaimedAt,
                Fingerprint = state.Fingerprint, Outcome = state.Receipt?.Status.ToString(), DuplicatesRefused = state.RefusedCount,
            });
            lines.AddRange(state.Refusals.Select(r => new ReceiptLine
            {
                Kind = "refusal", IdempotencyKey = key, EventId = state.EventId, Source = state.Receipt?.SourceApp, At = r.At, Fingerprint = r.Fingerprint, Outcome = r.Outcome.ToString(),
            }));
        }

        foreach (var (app, receipts) in run.Receipts.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            lines.AddRange(receipts.Select(r => new ReceiptLine
            {
                Kind = "apply", IdempotencyKey = r.IdempotencyKey, EventId = r.EventId, App = app, Source = EnvelopeParser.TrySplitEventType(r.EventType, out var source, out _) ? source : null,
                Role = r.Role.ToString(), At = r.AppliedAt,
                Effects = r.Effects, DuplicatesRefused = r.DuplicatesRefused, HeldSince = r.HeldSince, Reactions = r.Reactions, StandsInFor = r.StandsInFor,
            }));
        }

        return lines;
    }

    /// <summary>The ledger, from the lines just built: the reasons come from the attempts' records.</summary>
    private static List<InjectionLine> InjectionLines(List<EventLine> events, IEnumerable<(string Target, DeliveryItem Item)> deliveries)
    {
        var lines = InjectionLine.ScriptedPublishes(events).ToList();
        foreach (var (line, item) in events.Where(e => e.Kind == "delivery").Zip(deliveries.Select(d => d.Item)))
        {
            if (line.InjectedDelayMs > 0)
            {
                lines.Add(InjectionLine.Delay(line, line.InjectedDelayMs));
            }

            lines.AddRange(line.Attempts.Zip(item.Attempts).Where(a => a.Second.Fault != FaultKind.None)
                .Select(a => InjectionLine.AttemptFault(line, a.First, a.First.Fault, a.Second.FaultReason)));
        }

        return lines;
    }

    private static CircuitsFile CircuitLines(RunRecord run) => new(
        run.Circuits.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => new CircuitLine(c.Value.Status.ToString(),
            c.Value.Transitions.Select(t => new TransitionLine(t.At, t.From.ToString(), t.To.ToString(), t.Cause, t.EventId)).ToList())),
        run.BeatCircuits.Select(b => new BeatCircuits(b.Beat,
            b.Before.ToDictionary(x => x.Key, x => x.Value.ToString()), b.After.ToDictionary(x => x.Key, x => x.Value.ToString()))).ToList());
}
