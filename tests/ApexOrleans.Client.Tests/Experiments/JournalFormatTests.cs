using System.Text.Json;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Experiments;

namespace ApexOrleans.Client.Tests.Experiments;

/// <summary>The journal file is read by people, the silo's dashboard and older apex versions: its JSON must not drift.</summary>
public sealed class JournalFormatTests
{
    private static readonly DateTimeOffset Seven = new(2026, 1, 3, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AJournalIsWrittenWithTheSameFieldsAndStringsAsAlways()
    {
        var json = JsonSerializer.Serialize(Journal(HaltSource.HaltCommand), BundleJson.Indented);

        Assert.Equal(Expected, json.ReplaceLineEndings("\n"));
    }

    public static TheoryData<HaltSource, string> HaltSources() => new()
    {
        { HaltSource.HaltCommand, "halt-command" }, { HaltSource.CtrlC, "ctrl-c" }, { HaltSource.SiloApi, "api" }, { HaltSource.Safeguard, "safeguard" },
    };

    [Theory]
    [MemberData(nameof(HaltSources))]
    public void EveryHaltSourceIsWrittenAndReadBackAsTheStringItAlwaysWas(HaltSource source, string written)
    {
        var json = JsonSerializer.Serialize(Journal(source), BundleJson.Indented);

        Assert.Contains($"\"source\": \"{written}\",", json);
        var read = JsonSerializer.Deserialize<ExperimentJournal>(json, BundleJson.Options)!;
        Assert.Same(source, read.Halt!.Source);
        Assert.Equal(written, read.Halt.Source.ToString()); // the console prints it as it always did
        Assert.Equal(json, JsonSerializer.Serialize(read, BundleJson.Indented));
    }

    [Fact]
    public void AHaltSourceThisVersionDoesNotKnowIsReadAndWrittenAsItStands()
    {
        var json = JsonSerializer.Serialize(Journal(HaltSource.Named("pager")), BundleJson.Options);

        var read = JsonSerializer.Deserialize<ExperimentJournal>(json, BundleJson.Options)!;

        Assert.Equal("pager", read.Halt!.Source.Name);
        Assert.Equal(json, JsonSerializer.Serialize(read, BundleJson.Options));
    }

    /// <summary>A journal with every field set, halted by <paramref name="haltSource"/>.</summary>
    internal static ExperimentJournal Journal(HaltSource haltSource) => new()
    {
        RunId = "ex-t-20260103-070000-abcd",
        ExperimentId = "EX-T",
        Title = "test experiment",
        Owner = "tests",
        Hypothesis = "the mesh holds",
        ExpectedOutcome = "isolated",
        Rollback = "revert",
        ExperimentFile = "ex-t.json",
        ExperimentSha256 = "00ff",
        Silo = "embedded",
        Storage = "memory",
        StartedAt = Seven,
        FinishedAt = Seven.AddSeconds(42),
        Status = ExperimentStatus.Interrupted,
        Passed = false,
        Verdict = $"interrupted by the kill switch ({haltSource}): every fault reverted in 3.5 ms",
        Checks = [new ProbeCheck("before", "error-rate", "error-rate", "≤ 0.05", 0, true, "failed delivery attempts: 0 share")],
        Injections = [new InjectionRecord("app-outage", "trutalk down", "f-1", Seven.AddSeconds(5), Seven.AddSeconds(6), haltSource.Name)],
        Halt = Halt(haltSource),
        Recovery = new RecoveryRecord(Seven.AddSeconds(6), Seven.AddSeconds(8), 2, 30, true, "recovered 2 s after the last fault was reverted (RTO 30 s)"),
        Traffic = new TrafficRecord("sarahs-day", "00aa", 100, 4, 10, 10, 0, 200, 3, 0, 0, 0),
        Samples = [new ProbeSample(1.25, "method", new SortedDictionary<string, double> { ["error-rate"] = 0.5 }, ["trutalk down"])],
        Notes = ["a note"],
    };

    private static HaltRecord Halt(HaltSource source) => new(source, "pulled by the test", Seven.AddSeconds(6), Seven.AddSeconds(6).AddMilliseconds(3.5), 3.5);

    // Written by the runner before its halt sources were typed: the strings and their order are the format.
    private const string Expected = """
        {
          "runId": "ex-t-20260103-070000-abcd",
          "experimentId": "EX-T",
          "title": "test experiment",
          "owner": "tests",
          "hypothesis": "the mesh holds",
          "expectedOutcome": "isolated",
          "rollback": "revert",
          "experimentFile": "ex-t.json",
          "experimentSha256": "00ff",
          "silo": "embedded",
          "storage": "memory",
          "startedAt": "2026-01-03T07:00:00+00:00",
          "finishedAt": "2026-01-03T07:00:42+00:00",
          "status": "interrupted",
          "passed": false,
          "verdict": "interrupted by the kill switch (halt-command): every fault reverted in 3.5 ms",
          "checks": [
            {
              "phase": "before",
              "probe": "error-rate",
              "label": "error-rate",
              "limits": "\u2264 0.05",
              "value": 0,
              "passed": true,
              "detail": "failed delivery attempts: 0 share"
            }
          ],
          "injections": [
            {
              "kind": "app-outage",
              "description": "trutalk down",
              "siloFaultId": "f-1",
              "injectedAt": "2026-01-03T07:00:05+00:00",
              "revertedAt": "2026-01-03T07:00:06+00:00",
              "revertedBy": "halt-command"
            }
          ],
          "halt": {
            "source": "halt-command",
            "reason": "pulled by the test",
            "requestedAt": "2026-01-03T07:00:06+00:00",
            "revertedAt": "2026-01-03T07:00:06.0035+00:00",
            "timeToRevertMs": 3.5
          },
          "recovery": {
            "revertedAt": "2026-01-03T07:00:06+00:00",
            "recoveredAt": "2026-01-03T07:00:08+00:00",
            "seconds": 2,
            "rtoSeconds": 30,
            "withinRto": true,
            "detail": "recovered 2 s after the last fault was reverted (RTO 30 s)"
          },
          "traffic": {
            "scenario": "sarahs-day",
            "scenarioSha256": "00aa",
            "beatIntervalMs": 100,
            "tenantsPerSecond": 4,
            "tenantsStarted": 10,
            "tenantsScored": 10,
            "tenantsSkipped": 0,
            "callsTried": 200,
            "callFailures": 3,
            "replaysTried": 0,
            "replaysRefused": 0,
            "replaysExecuted": 0
          },
          "samples": [
            {
              "seconds": 1.25,
              "phase": "method",
              "values": {
                "error-rate": 0.5
              },
              "faultsOn": [
                "trutalk down"
              ]
            }
          ],
          "notes": [
            "a note"
          ]
        }
        """;
}
