using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Verification;
using ApexOrleans.Contracts.Webhooks;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests.Tracing;

/// <summary>
/// One event, one trace: the bundle's traces.json, read as plain OTLP JSON, holds a trace per accepted event with its
/// publish, claim, deliveries, attempts (on the run's clock, as events.jsonl has them) and applies; verify holds it to that.
/// </summary>
public sealed class TraceEvidenceTests
{
    [Fact]
    public async Task EveryAcceptedEventOfTheDayIsOneTraceWhoseAttemptsAreItsDeliveriesAttempts()
    {
        using var folder = new TempFolder();
        var outcome = await Apex.RunScenarioAsync(folder.Path, storage: "sqlite");
        var files = EvidenceBundle.Read(outcome.BundlePath);
        var spans = PlainOtlp.Read(files["traces.json"]);
        var events = files["events.jsonl"].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();

        var accepted = events.Where(e => Text(e, "kind") == "publish" && Text(e, "status") == "accepted").Select(e => Text(e, "eventId")).ToList();
        var roots = spans.Where(s => s.Parent is null).ToList();
        Assert.Equal(accepted.Count, roots.Count); // one trace per accepted event, each with one root: its publish
        Assert.Equal(accepted.Order(), roots.Select(r => r.Attributes["cloudevents.event_id"]).Order());
        Assert.Equal(roots.Count, spans.Select(s => s.TraceId).Distinct().Count());
        Assert.All(spans.Where(s => s.Parent is not null), s => Assert.Contains(spans, p => p.SpanId == s.Parent && p.TraceId == s.TraceId));

        // Every attempt of events.jsonl is one attempt span, at the same moment of the run's clock, with its fault and outcome.
        var attempts = events.Where(e => Text(e, "kind") == "delivery").SelectMany(d => d!["attempts"]!.AsArray().Select(a =>
            $"{Text(d, "eventId")} {Text(d, "target")} {Text(d, "role")} #{a!["number"]} {a["at"]!.GetValue<DateTimeOffset>():O} {Text(a, "fault")} {a["succeeded"]}")).Order().ToList();
        var traced = spans.Where(s => s.Name.StartsWith("attempt ", StringComparison.Ordinal)).Select(s =>
            $"{s.Attributes["cloudevents.event_id"]} {s.Attributes["messaging.destination.name"]} {s.Attributes["apex.delivery.role"]} #{s.Attributes["apex.attempt.number"]} " +
            $"{s.Start:O} {s.Attributes["apex.attempt.fault"]} {s.Attributes["apex.attempt.succeeded"].ToLowerInvariant()}").Order().ToList();
        Assert.Equal(attempts, traced);
        Assert.All(spans, s => Assert.Equal(2026, s.Start.Year)); // the story's day, not the wall clock

        // Beat 12, the payment: its duplicate publish is refused by the claim, inside the payment's own trace.
        var payment = roots.Single(r => r.Attributes["apex.beat"] == "12");
        var trace = spans.Where(s => s.TraceId == payment.TraceId).ToList();
        var duplicate = Assert.Single(trace, s => s.Name.StartsWith("publish ", StringComparison.Ordinal) && s.Attributes["apex.publish.status"] == "duplicate");
        Assert.Contains(trace, s => s.Parent == duplicate.SpanId && s.Events.Contains("apex.duplicate.refused"));
        Assert.Contains(trace, s => s.Name == "apply flowc" && s.Attributes["apex.apply.outcome"] == "Applied");

        var check = Assert.Single(BundleVerifier.Verify(outcome.BundlePath), c => c.Name == TracesCheck.Name);
        Assert.True(check.Passed, check.Detail);
        var manifest = JsonNode.Parse(files["manifest.json"])!["traces"]!;
        Assert.Equal((roots.Count, spans.Count, true), (manifest["traces"]!.GetValue<int>(), manifest["spans"]!.GetValue<int>(), manifest["complete"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task ATraceFileThatLosesAnAttemptOrDisagreesWithItsManifestFailsVerify()
    {
        using var folder = new TempFolder();
        var outcome = await Apex.RunScenarioAsync(folder.Path);
        var files = EvidenceBundle.Read(outcome.BundlePath);

        // An attempt span removed, the manifest's counts kept right: the attempt of events.jsonl has no span.
        var document = JsonNode.Parse(files["traces.json"])!;
        var list = document["resourceSpans"]![0]!["scopeSpans"]![0]!["spans"]!.AsArray();
        var attempt = list.First(s => s!["name"]!.GetValue<string>().StartsWith("attempt ", StringComparison.Ordinal))!;
        list.Remove(attempt);
        var manifest = JsonNode.Parse(files["manifest.json"])!;
        manifest["traces"]!["spans"] = list.Count;
        var lost = Check(files, ("traces.json", document.ToJsonString()), ("manifest.json", manifest.ToJsonString()));
        Assert.False(lost.Passed);
        Assert.Contains("attempt span(s)", lost.Detail);

        // The file as written, but the manifest claiming another count: an edit either way.
        manifest = JsonNode.Parse(files["manifest.json"])!;
        manifest["traces"]!["traces"] = manifest["traces"]!["traces"]!.GetValue<int>() + 1;
        var claimed = Check(files, ("manifest.json", manifest.ToJsonString()));
        Assert.False(claimed.Passed);
        Assert.Contains("the manifest says", claimed.Detail);

        var broken = Check(files, ("traces.json", "{ not json"));
        Assert.False(broken.Passed);
        Assert.Contains("traces.json", broken.Detail);
    }

    [Fact]
    public async Task ARemoteAppGetsTheAttemptsSpanAsTheTraceparentOfEveryWebhook()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await TestReceiver.StartAsync(secret, (_, _) => Task.CompletedTask);
        using var folder = new TempFolder();
        var outcome = await Apex.RunScenarioAsync(folder.Path, remote: new RemoteAppsChoice
        {
            Endpoints = new Dictionary<string, string> { ["flowc"] = receiver.Url + "/flowc" },
            Secret = secret.Reveal(),
        });

        var spans = PlainOtlp.Read(EvidenceBundle.Read(outcome.BundlePath)["traces.json"]);
        var attempts = spans.Where(s => s.Name == "attempt flowc").ToDictionary(s => s.SpanId);
        var ours = receiver.Requests.Where(r => JsonNode.Parse(r.Body)!["apextenant"]!.GetValue<string>() == outcome.Manifest.RunId).ToList(); // not the control run's
        Assert.NotEmpty(ours);
        foreach (var request in ours)
        {
            var traceparent = JsonNode.Parse(request.Body)!["traceparent"]!.GetValue<string>();
            var parts = traceparent.Split('-');
            Assert.True(attempts.TryGetValue(parts[2], out var attempt), $"{traceparent} names no attempt span of flowc");
            Assert.Equal(attempt.TraceId, parts[1]);
        }
    }

    private static string? Text(JsonNode? node, string field) => node?[field]?.GetValue<string>();

    private static InvariantCheck Check(IReadOnlyDictionary<string, string> files, params (string File, string Content)[] edits)
    {
        var edited = files.ToDictionary();
        foreach (var (file, content) in edits)
        {
            edited[file] = content;
        }

        return Assert.Single(BundleVerifier.Verify(edited), c => c.Name == TracesCheck.Name);
    }
}
