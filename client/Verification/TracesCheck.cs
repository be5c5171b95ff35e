using ApexOrleans.Client.Evidence;
using ApexOrleans.Contracts.Diagnostics;

namespace ApexOrleans.Client.Verification;

/// <summary>
/// traces.json bears out events.jsonl: every accepted event has its trace (its publish span), every refused duplicate
/// publish shows in that trace, and each delivery's attempt spans are its attempts (number, time, fault, outcome), in the
/// trace its CloudEvent's <c>traceparent</c> names. Spans a silo lost mid-run (the manifest says so) may be missing; no
/// span may contradict the events.
/// </summary>
public static class TracesCheck
{
    /// <summary>The name of the invariant in <c>apex verify</c>'s report.</summary>
    public const string Name = "every accepted event has its trace, and each trace's attempts are events.jsonl's";

    private const int Shown = 5;

    /// <summary>Checks the bundle's <c>traces.json</c> (if it has one) against its manifest and events.</summary>
    public static InvariantCheck Check(IReadOnlyDictionary<string, string> files, Manifest manifest, IReadOnlyList<EventLine> events)
    {
        if (!files.TryGetValue(EvidenceBundle.TracesFile, out var json))
        {
            return manifest.Traces is null
                ? new InvariantCheck(Name, true, "no traces.json: the bundle is from before runs kept traces")
                : new InvariantCheck(Name, false, $"the manifest lists {manifest.Traces.Traces} traces, but traces.json is missing");
        }

        TenantTraces traces;
        try
        {
            traces = TenantTraces.FromOtlpJson(json);
        }
        catch (FormatException e)
        {
            return new InvariantCheck(Name, false, $"traces.json: {e.Message}");
        }

        var line = new TracesLine(traces.Spans.Select(s => s.TraceId).Distinct().Count(), traces.Spans.Count, traces.Complete);
        if (manifest.Traces is not { } claimed || claimed != line)
        {
            return new InvariantCheck(Name, false, $"traces.json holds {line.Traces} traces, {line.Spans} spans (complete: {line.Complete}); the manifest says {Describe(manifest.Traces)}");
        }

        var problems = new List<string>();
        var publishes = traces.Spans.Where(s => s.Name.StartsWith("publish ", StringComparison.Ordinal)).ToLookup(s => s.Text("cloudevents.event_id") ?? "");
        var accepted = events.Where(e => e.Kind == "publish" && e.Status == "accepted").ToList();
        var untraced = accepted.Where(e => !publishes[e.EventId].Any(s => s.Text("apex.publish.status") == "accepted")).ToList();
        if (untraced.Count > 0 && traces.Complete)
        {
            problems.Add($"{untraced.Count} accepted event(s) without a publish span: {string.Join(", ", untraced.Take(Shown).Select(e => e.IdempotencyKey))}");
        }

        foreach (var repeated in events.Where(e => e.Kind == "publish" && e.Status == "duplicate").GroupBy(e => e.EventId))
        {
            var original = publishes[repeated.Key].FirstOrDefault(s => s.Text("apex.publish.status") == "accepted");
            var refused = publishes[repeated.Key].Count(s => s.Text("apex.publish.status") == "duplicate" && (original is null || s.TraceId == original.TraceId));
            if (original is not null && refused < repeated.Count())
            {
                problems.Add($"{repeated.First().IdempotencyKey}: {repeated.Count()} duplicate publish(es) refused, {refused} in its trace");
            }
        }

        problems.AddRange(AttemptProblems(traces, events));
        var detail = problems.Count == 0
            ? $"{line.Traces} traces, {line.Spans} spans: {accepted.Count - untraced.Count} of {accepted.Count} accepted events traced, every attempt span matches its delivery"
              + (untraced.Count > 0 ? $"; {untraced.Count} event(s) untraced, their spans lost with a silo mid-run (the manifest says the traces are incomplete)" : "")
            : string.Join("; ", problems.Take(Shown)) + (problems.Count > Shown ? $"; and {problems.Count - Shown} more" : "");
        return new InvariantCheck(Name, problems.Count == 0, detail);
    }

    /// <summary>Each delivery's attempt spans against its attempts; when the traces are complete, every attempt has its span.</summary>
    private static IEnumerable<string> AttemptProblems(TenantTraces traces, IReadOnlyList<EventLine> events)
    {
        var spans = traces.Spans.Where(s => s.Name.StartsWith("attempt ", StringComparison.Ordinal))
            .ToLookup(s => (s.Text("cloudevents.event_id") ?? "", s.Text("messaging.destination.name") ?? "", s.Text("apex.delivery.role") ?? "",
                s.Text("apex.delivery.stands_in_for") ?? "")); // one event's fallback deliveries to one app, standing in for two targets, are two
        var matched = 0;
        foreach (var delivery in events.Where(e => e.Kind == "delivery"))
        {
            var own = spans[(delivery.EventId, delivery.Target ?? "", delivery.Role ?? "", delivery.StandsInFor ?? "")].ToList();
            matched += own.Count;
            var recorded = delivery.Attempts.Select(a => (a.Number, a.At, a.Fault, a.Succeeded)).ToHashSet();
            var traced = own.Select(s => (Number: (int)(s.Number("apex.attempt.number") ?? 0), At: s.Start, Fault: s.Text("apex.attempt.fault") ?? "",
                Succeeded: s.Flag("apex.attempt.succeeded") ?? false)).ToList();
            var where = $"{delivery.IdempotencyKey} at {delivery.Target}";
            var strays = traced.Where(t => !recorded.Contains(t)).ToList();
            if (strays.Count > 0)
            {
                var stray = strays[0];
                yield return $"{where}: attempt span {stray.Number} ({stray.Fault}, succeeded {stray.Succeeded}, at {stray.At:O}) is no attempt of events.jsonl";
            }
            else if (traced.Count != traced.Distinct().Count())
            {
                yield return $"{where}: an attempt has two spans";
            }
            else if (traces.Complete && traced.Count != recorded.Count)
            {
                yield return $"{where}: {recorded.Count} attempt(s) in events.jsonl, {traced.Count} attempt span(s)";
            }

            var traceId = TraceParents.TraceIdOf(delivery.CloudEvent["traceparent"]?.GetValue<string>());
            if (traceId is not null && own.FirstOrDefault(s => s.TraceId != traceId) is { } elsewhere)
            {
                yield return $"{where}: attempt {elsewhere.Number("apex.attempt.number")} is in trace {elsewhere.TraceId}, its CloudEvent names {traceId}";
            }
        }

        var all = traces.Spans.Count(s => s.Name.StartsWith("attempt ", StringComparison.Ordinal));
        if (matched != all)
        {
            yield return $"{all - matched} attempt span(s) belong to no delivery of events.jsonl";
        }
    }

    private static string Describe(TracesLine? line) => line is null ? "nothing of traces" : $"{line.Traces} traces, {line.Spans} spans (complete: {line.Complete})";
}
