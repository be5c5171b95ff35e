using ApexOrleans.Client.Evidence;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Idempotency;

namespace ApexOrleans.Client.Verification;

/// <summary>
/// Every beat of the bundle's scenario was published and accepted: one first publish per beat, of the beat's own key and
/// event type, answered accepted (or duplicate, when a restart cut off the first answer); a scripted duplicate published
/// again and answered duplicate; a scripted replay with a changed payload refused as a conflict and without effect; one
/// delivery to each target the event names; one claim receipt per beat's key, for the event published; and no publish or
/// claim of a beat the scenario does not have.
/// </summary>
public static class BeatsCheck
{
    /// <summary>The name of the invariant in <c>apex verify</c>'s report.</summary>
    public const string Name = "every beat of the scenario published and accepted";

    /// <summary>Checks the publish lines of <paramref name="events"/> against <paramref name="scenario"/>'s beats.</summary>
    public static InvariantCheck Check(Scenario scenario, IReadOnlyList<EventLine> events, IReadOnlyList<ReceiptLine> receipts)
    {
        var problems = new List<string>();
        var publishes = events.Where(e => e.Kind == "publish").ToList();
        foreach (var beat in scenario.Beats)
        {
            var lines = publishes.Where(p => p.Beat == beat.Number).ToList();
            var first = lines.Where(p => p.FirstPublish).ToList();
            var repeated = lines.Where(p => p.RepeatedPublish).ToList();
            if (first.Count != 1)
            {
                problems.Add($"beat {beat.Number} ({beat.Event.IdempotencyKey}) has {first.Count} first publishes in events.jsonl, not 1");
                continue;
            }

            var line = first[0];
            if (line.IdempotencyKey != beat.Event.IdempotencyKey || line.EventType != beat.Event.EventType || line.Source != beat.Event.SourceApp)
            {
                problems.Add($"beat {beat.Number}'s publish in events.jsonl is {line.Source} {line.EventType} '{line.IdempotencyKey}', the scenario's is "
                    + $"{beat.Event.SourceApp} {beat.Event.EventType} '{beat.Event.IdempotencyKey}'");
            }

            if (line.Status is not ("accepted" or "duplicate"))
            {
                problems.Add($"beat {beat.Number}'s publish was answered {line.Status}, not accepted");
            }

            var duplicates = beat.Chaos.Duplicate ? 1 : 0;
            if (repeated.Count != duplicates)
            {
                problems.Add($"beat {beat.Number} has {repeated.Count} repeated publishes; the scenario scripts {duplicates}");
            }

            problems.AddRange(repeated.Where(r => r.Status != "duplicate").Select(r => $"beat {beat.Number}'s repeated publish was answered {r.Status}, not duplicate"));
            ChangedPayloadReplays(beat, lines.Where(p => p.ChangedPayload).ToList(), receipts, problems);
            Payloads(beat, line, events, problems);

            // One delivery to each target the scenario's event names, and none to an app it does not.
            var reached = events.Where(e => e.Kind == "delivery" && e.EventId == line.EventId && e.Role == "Target").Select(e => e.Target!).Order(StringComparer.Ordinal).ToList();
            var targets = beat.Event.Targets.Order(StringComparer.Ordinal).ToList();
            if (!reached.SequenceEqual(targets))
            {
                problems.Add($"beat {beat.Number}'s event has deliveries to [{string.Join(", ", reached)}] in events.jsonl; the scenario sends it to [{string.Join(", ", targets)}]");
            }
        }

        var claims = receipts.Where(r => r.Kind == "claim").ToList();
        foreach (var beat in scenario.Beats)
        {
            var ofKey = claims.Where(c => c.IdempotencyKey == beat.Event.IdempotencyKey).ToList();
            var published = publishes.FirstOrDefault(p => p.Beat == beat.Number && p.FirstPublish)?.EventId;
            if (ofKey.Count != 1)
            {
                problems.Add($"receipts.jsonl has {ofKey.Count} claims of beat {beat.Number}'s key {beat.Event.IdempotencyKey}, not 1");
            }
            else if (published is not null && ofKey[0].EventId != published)
            {
                problems.Add($"receipts.jsonl: the claim of {beat.Event.IdempotencyKey} is for event {ofKey[0].EventId}, the publish was of {published}");
            }
        }

        var keys = scenario.Beats.Select(b => b.Event.IdempotencyKey).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(claims.Where(c => !keys.Contains(c.IdempotencyKey)).Select(c => $"receipts.jsonl has a claim of {c.IdempotencyKey}, no beat's key"));
        var numbers = scenario.Beats.Select(b => (long)b.Number).ToHashSet();
        problems.AddRange(publishes.Where(p => !numbers.Contains(p.Beat)).Select(p => $"events.jsonl has a publish of beat {p.Beat}, which the scenario does not have"));
        return new InvariantCheck(Name, problems.Count == 0,
            problems.Count == 0 ? $"{scenario.Beats.Count} beats, each published once and accepted; {publishes.Count(p => p.RepeatedPublish)} scripted repeats answered duplicate"
                + $"; {publishes.Count(p => p.ChangedPayload)} replays with a changed payload refused, with no effect"
                : string.Join("; ", problems.Take(10)));
    }

    /// <summary>
    /// The beat's scripted replay with a changed payload: sent once with the scenario's changed payload, refused as a
    /// conflict, and shown refused in its key's record by that payload's fingerprint. That it had no effect is the beat's
    /// own check: every delivery of its event carries the beat's payload.
    /// </summary>
    private static void ChangedPayloadReplays(ScenarioBeat beat, List<EventLine> replays, IReadOnlyList<ReceiptLine> receipts, List<string> problems)
    {
        var scripted = beat.ReplayWithChangedPayload;
        if (replays.Count != (scripted is null ? 0 : 1))
        {
            problems.Add($"beat {beat.Number} has {replays.Count} replays with a changed payload in events.jsonl; the scenario scripts {(scripted is null ? 0 : 1)}");
        }

        if (scripted is null || replays.Count != 1)
        {
            return;
        }

        var replay = replays[0];
        var payload = JsonNode.Parse(scripted.Data.GetRawText());
        if (!JsonNode.DeepEquals(replay.CloudEvent["data"], payload))
        {
            problems.Add($"beat {beat.Number}'s replay in events.jsonl carries {replay.CloudEvent["data"]?.ToJsonString()}, the scenario's changed payload is {payload?.ToJsonString()}");
        }

        if (replay.Status != ChangedPayloadRecord.Conflict)
        {
            problems.Add($"beat {beat.Number}'s replay with a changed payload was answered {replay.Status}, not refused as a conflict");
        }

        var fingerprint = PayloadFingerprint.Of(scripted);
        if (!receipts.Any(r => r.Kind == "refusal" && r.IdempotencyKey == beat.Event.IdempotencyKey && r.Outcome == "Conflict" && r.Fingerprint == fingerprint))
        {
            problems.Add($"receipts.jsonl shows no conflict refused for {beat.Event.IdempotencyKey} with the changed payload's fingerprint {fingerprint[..12]}…");
        }
    }

    /// <summary>The beat's publish carries the scenario's payload, and so does every delivery of its event: nothing else took effect under its key.</summary>
    private static void Payloads(ScenarioBeat beat, EventLine publish, IReadOnlyList<EventLine> events, List<string> problems)
    {
        var payload = JsonNode.Parse(beat.Event.Data.GetRawText());
        if (!JsonNode.DeepEquals(publish.CloudEvent["data"], payload))
        {
            problems.Add($"beat {beat.Number}'s publish in events.jsonl carries {publish.CloudEvent["data"]?.ToJsonString()}, the scenario's payload is {payload?.ToJsonString()}");
        }

        problems.AddRange(events.Where(e => e.Kind == "delivery" && e.IdempotencyKey == beat.Event.IdempotencyKey && e.Source == beat.Event.SourceApp
                                            && !JsonNode.DeepEquals(e.CloudEvent["data"], payload))
            .Select(e => $"the delivery of {e.IdempotencyKey} to {e.Target} carries {e.CloudEvent["data"]?.ToJsonString()}, not beat {beat.Number}'s payload"));
    }
}
