using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Client.Verification;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests;

public sealed class ScenarioFileTests
{
    /// <summary>
    /// A different day: other apps, an outage of FLOWBills, heavier chaos, beats minutes apart. Beat 4's delay is scripted:
    /// at seed 9 the rates delay nothing, and a day that delays nothing leaves out-of-order with nothing to observe.
    /// </summary>
    private const string BusyMonday = """
        {
          "name": "busy-monday",
          "title": "A busy Monday with a billing outage",
          "chaos": { "seed": 9, "duplicateRate": 0.2, "outOfOrderRate": 0.3, "timeoutRate": 0.05, "networkFailureRate": 0.05,
                     "serverErrorRate": 0.05, "responseLostRate": 0.05, "maxDelayMs": 8000, "timeoutMs": 10000, "maxRetries": 3,
                     "baseBackoffMs": 250, "outage": { "app": "flowbills", "fromBeat": 2, "toBeat": 5 } },
          "beats": [
            { "beat": 1, "time": "2026-03-02T08:00:00Z",
              "event": { "eventType": "autorepai:repair.estimated", "target": "flowbills", "idempotencyKey": "mon/est-9",
                         "payload": { "estimateId": "est-9", "estimatedCost": 40 } },
              "expect": [ { "app": "flowbills", "table": "estimates", "key": "est-9" } ] },
            { "beat": 2, "time": "2026-03-02T08:05:00Z", "chaos": { "duplicate": true },
              "event": { "eventType": "flowbills:invoice.created", "target": ["flowc", "omnihub"], "idempotencyKey": "mon/inv-9",
                         "payload": { "invoiceId": "inv-9", "amount": 40, "taxRate": 0.1, "totalAmount": 44,
                                      "lineItems": [ { "description": "Hem", "total": 40 } ] } },
              "expect": [ { "app": "flowc", "table": "compliance_checks", "key": "auto-inv-9", "fields": { "status": "passed" } } ] },
            { "beat": 3, "time": "2026-03-02T08:06:00Z", "chaos": { "networkFailure": 3 },
              "event": { "eventType": "omnihub:alert.created", "target": ["aspiral", "flowbills"], "idempotencyKey": "mon/alert-9",
                         "payload": { "alertId": "alert-9", "type": "inventory", "message": "Thread low" } },
              "expect": [ { "app": "aspiral", "table": "tasks", "key": "reorder-alert-9" } ] },
            { "beat": 4, "time": "2026-03-02T08:07:00Z", "chaos": { "delayMs": 4000 },
              "event": { "eventType": "flowbills:payment.received", "target": ["flowc"], "idempotencyKey": "mon/pay-9",
                         "payload": { "paymentId": "pay-9", "invoiceId": "inv-9", "amount": 44 } } },
            { "beat": 5, "time": "2026-03-02T09:30:00Z",
              "event": { "eventType": "jubeelove:session.started", "target": "omnihub", "idempotencyKey": "mon/session-9",
                         "payload": { "sessionId": "session-9" } } }
          ]
        }
        """;

    [Fact]
    public async Task AScenarioNobodyHereWroteForRunsAndHoldsTheSameInvariants()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("monday.json"), BusyMonday);

        var outcome = await Apex.RunScenarioAsync(folder.Path, folder.File("monday.json"));

        Assert.True(outcome.Scorecard.Passed, string.Join("; ", outcome.Scorecard.Criteria.Where(c => !c.Passed).Select(c => $"{c.Id}: {c.Detail}")));
        Assert.All(outcome.Scorecard.Beats, b => Assert.True(b.Passed, $"beat {b.Beat}"));
        Assert.All(BundleVerifier.Verify(outcome.BundlePath), c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        var circuits = EvidenceBundle.Read(outcome.BundlePath)["circuits.json"];
        Assert.Contains("\"flowbills\"", circuits);
        Assert.Contains(outcome.Scorecard.Criteria, c => c.Id == "circuit-breaker" && c.Passed && Equals(c.Figures["app"], "flowbills"));
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("""{ "name": "x", "beats": [] }""", "chaos: an object is required")]
    [InlineData("""{ "name": "x", "chaos": { "duplicateRate": 2 }, "beats": [] }""", "chaos.duplicateRate: 2 is not a share")]
    [InlineData("""{ "name": "x", "chaos": {}, "beats": [ { "beat": 1, "time": "2026-01-01T00:00:00Z", "event": { "eventType": "ghost:thing.done", "target": "omnihub", "idempotencyKey": "k", "payload": {} } } ] }""", "beats[0].event.app: no app 'ghost'")]
    [InlineData("""{ "name": "x", "chaos": {}, "beats": [ { "beat": 1, "time": "2026-01-01T00:00:00Z", "event": { "eventType": "flowbills:invoice.created", "target": "flowc", "idempotencyKey": "k", "payload": { "amount": 1 } } } ] }""", "beats[0].event.payload.invoiceId: is required")]
    [InlineData("""{ "name": "x", "chaos": { "outage": { "app": "nobody", "fromBeat": 1, "toBeat": 2 } }, "beats": [] }""", "chaos.outage.app: 'nobody' is not an app")]
    [InlineData("""{ "name": "x", "chaos": {}, "beats": [ { "beat": 1, "time": "2026-01-01T01:00:00Z", "event": { "eventType": "jubeelove:session.started", "target": "omnihub", "idempotencyKey": "a", "payload": { "sessionId": "1" } } }, { "beat": 2, "time": "2026-01-01T00:00:00Z", "chaos": { "meteor": true }, "event": { "eventType": "jubeelove:session.started", "target": "omnihub", "idempotencyKey": "a", "payload": { "sessionId": "2" } } } ] }""", "beats run forward in time")]
    public async Task ABadScenarioIsRefusedWithItsProblemsAndNothingIsWritten(string json, string expected)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("bad.json"), json);
        var output = Path.Combine(folder.Path, "out");

        var (exitCode, text) = await Apex.RunAsync("run", "--scenario", folder.File("bad.json"), "--out", output);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, text.Replace("\n", " ").Replace("  ", " "));
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), "a refused run wrote files");
    }

    [Fact]
    public void EveryProblemOfAScenarioIsListedAtOnce()
    {
        var catalog = AppCatalog.Load(AppCatalog.DefaultPath);
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("bad.json"), """
            { "name": "Bad Name", "chaos": { "timeoutRate": -1, "maxRetries": 1.5 },
              "beats": [ { "beat": 3, "time": "yesterday", "event": { "eventType": "nope" } } ] }
            """);

        var error = Assert.Throws<ConfigFileException>(() => ScenarioLoader.Load(folder.File("bad.json"), catalog));

        Assert.Contains(error.Problems, p => p.StartsWith("name:"));
        Assert.Contains(error.Problems, p => p.StartsWith("chaos.timeoutRate:"));
        Assert.Contains(error.Problems, p => p.StartsWith("chaos.maxRetries:"));
        Assert.Contains(error.Problems, p => p.StartsWith("beats[0].beat:"));
        Assert.Contains(error.Problems, p => p.StartsWith("beats[0].time:"));
        Assert.Contains(error.Problems, p => p.StartsWith("beats[0].event.eventType:"));
    }

    [Theory]
    [InlineData(new[] { "run", "--storage", "oracle" }, "oracle")]
    [InlineData(new[] { "run", "--clock", "sundial" }, "sundial")]
    [InlineData(new[] { "run", "--time-scale", "0" }, "--time-scale must be greater than 0")]
    [InlineData(new[] { "run", "--silo", "http://127.0.0.1:1" }, "no silo answers there")]
    [InlineData(new[] { "verify", "/no/such/bundle.zip" }, "no such file")]
    public async Task BadCommandLinesAreRefusedClearly(string[] args, string expected)
    {
        using var folder = new TempFolder();

        var (exitCode, text) = await Apex.RunAsync([.. args, .. args[0] == "run" ? new[] { "--out", folder.Path } : []]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, text);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.zip"));
    }

    [Fact]
    public async Task HelpExplainsEveryOptionOfRun()
    {
        var (exitCode, text) = await Apex.RunAsync("run", "--help");

        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "--scenario", "--seed", "--silo", "--storage", "--database", "--clock", "--time-scale", "--out" })
        {
            Assert.Contains(option, text);
        }
    }
}

public sealed class ScenarioStrictnessTests
{
    private static readonly AppCatalog Catalog = AppCatalog.Load(AppCatalog.DefaultPath);

    private const string Event = """{ "eventType": "jubeelove:session.started", "target": "omnihub", "idempotencyKey": "s", "payload": { "sessionId": "1" } }""";

    [Theory]
    [InlineData("""{ "name": "x", "chaos": {}, "beats": [ { "beat": 1, "time": "2026-01-01T00:00:00Z", "event": EVENT, "expect": [1] } ] }""", "beats[0].expect[0]: a data proof is an object")]
    [InlineData("""{ "name": "x", "chaos": {}, "beats": [ { "beat": 1, "time": "07:15", "event": EVENT } ] }""", "beats[0].time: '07:15' is not an RFC 3339 time")]
    [InlineData("""{ "name": "x", "chaos": {}, "beats": [ { "beat": 1, "time": "2026-01-01T07:15:00", "event": EVENT } ] }""", "not an RFC 3339 time with an offset")]
    [InlineData("""{ "name": "x", "chaos": { "seed": 1.5 }, "beats": [ { "beat": 1, "time": "2026-01-01T00:00:00Z", "event": EVENT } ] }""", "chaos.seed: 1.5 must be a whole number")]
    [InlineData("""{ "name": "x", "chaos": { "outage": { "app": "trutalk", "fromBeat": 1.9, "toBeat": 2 } }, "beats": [ { "beat": 1, "time": "2026-01-01T00:00:00Z", "event": EVENT } ] }""", "chaos.outage.fromBeat: 1.9 must be a whole number")]
    [InlineData("""{ "name": "x", "chaos": { "timeoutMs": 20000000 }, "beats": [ { "beat": 1, "time": "2026-01-01T00:00:00Z", "event": EVENT } ] }""", "chaos (timeoutMs, connectTimeoutMs, maxRetries, baseBackoffMs)")]
    [InlineData("""{ "name": "x", "chaos": { "connectTimeoutMs": 0 }, "beats": [ { "beat": 1, "time": "2026-01-01T00:00:00Z", "event": EVENT } ] }""", "chaos.connectTimeoutMs")]
    public void WhatTheSiloWouldRefuseOrMisreadIsRefusedByTheLoaderWithItsPath(string json, string expected)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("s.json"), json.Replace("EVENT", Event));

        var error = Assert.Throws<ConfigFileException>(() => ScenarioLoader.Load(folder.File("s.json"), Catalog));

        Assert.Contains(error.Problems, p => p.Contains(expected));
    }
}
