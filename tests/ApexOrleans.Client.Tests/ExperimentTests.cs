using System.Text.Json;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Experiments;
using ApexOrleans.Client.Running;
using ApexOrleans.TestSupport;
using Xunit.Abstractions;

namespace ApexOrleans.Client.Tests;

/// <summary>Experiments run for real against an embedded silo: the catalogue holds, the kill switch reverts, a broken tolerance fails.</summary>
[Collection(ExperimentCollection.Name)]
public sealed class ExperimentTests(ITestOutputHelper output)
{
    private static string Catalogue => Path.Combine(AppContext.BaseDirectory, "experiments");

    public static TheoryData<string> CatalogueFiles() => [.. Directory.EnumerateFiles(Catalogue, "*.json").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(CatalogueFiles))]
    public async Task EveryCatalogueExperimentHoldsItsHypothesisAndIsRecorded(string file)
    {
        using var records = new TempFolder();
        var (exitCode, text) = await Apex.RunAsync("experiment", "run", Path.Combine(Catalogue, file), "--storage", "memory", "--records", records.Path);
        output.WriteLine(text);

        var journal = Assert.Single(new ExperimentRecords(records.Path).List());
        Assert.True(exitCode == 0, $"{file}: {journal.Verdict}");
        Assert.Equal(ExperimentStatus.Completed, journal.Status);
        Assert.All(journal.Checks, c => Assert.True(c.Passed, $"{c.Phase} {c.Label}: {c.Detail}"));
        Assert.Contains(journal.Checks, c => c.Phase == "before");
        Assert.Contains(journal.Checks, c => c.Phase == "during");
        Assert.Contains(journal.Checks, c => c.Phase == "after");
        Assert.Contains(journal.Checks, c => c.Phase == "end" && c.Probe == "lost-events" && c.Value == 0);
        Assert.All(journal.Injections, i => Assert.True(i.InjectedAt is not null && i.RevertedAt > i.InjectedAt, $"{i.Description} was not on and then off"));
        Assert.True(journal.Recovery is { WithinRto: true }, journal.Recovery?.Detail);
        Assert.True(journal.Traffic.TenantsScored > 0 && journal.Traffic.TenantsScored == journal.Traffic.TenantsStarted, "every tenant started was scored");
        Assert.DoesNotContain(journal.Samples.Where(s => s.Phase == "after"), s => s.FaultsOn.Count > 0);
    }

    [Fact]
    public async Task PullingTheKillSwitchMidMethodRevertsEveryFaultAndRecordsTheTimeToRevert()
    {
        using var folder = new TempFolder();
        var file = Write(folder, "halt.json", """{ "kind": "app-outage", "app": "trutalk", "at": "1s", "for": "40s" }""", duration: "45s");
        var progress = new WatchingProgress();
        var run = new ExperimentRunner(progress, TimeProvider.System).RunAsync(new ExperimentOptions
        {
            ExperimentPath = file, Mesh = new MeshTarget { Storage = "memory" }, RecordsFolder = folder.File("records"),
        });
        await progress.FaultOn.Task.WaitAsync(TimeSpan.FromMinutes(1));

        var (haltExit, haltText) = await Apex.RunAsync("experiment", "halt", "--records", folder.File("records"), "--reason", "pulled by the test");
        var outcome = await run.WaitAsync(TimeSpan.FromMinutes(2));
        output.WriteLine(haltText);

        Assert.Equal(0, haltExit);
        Assert.Contains("every fault reverted", haltText);
        var journal = outcome.Journal;
        Assert.Equal(ExperimentStatus.Interrupted, journal.Status);
        Assert.False(journal.Passed);
        Assert.Equal(HaltSource.HaltCommand, journal.Halt!.Source);
        Assert.Equal("pulled by the test", journal.Halt.Reason);
        Assert.InRange(journal.Halt.TimeToRevertMs, 0, 5_000);
        var injection = Assert.Single(journal.Injections);
        Assert.Equal(HaltSource.HaltCommand.Name, injection.RevertedBy);
        Assert.True(injection.RevertedAt - injection.InjectedAt < TimeSpan.FromSeconds(30), "the fault stayed on for its scheduled 40 s");
        // The halt can come before any sample saw the fault on (samples are 250 ms apart): then none may show it at all.
        var lastOn = journal.Samples.LastOrDefault(x => x.FaultsOn.Count > 0)?.Seconds ?? 0;
        Assert.DoesNotContain(journal.Samples.Where(s => s.Seconds > lastOn + 1), s => s.FaultsOn.Count > 0);
        Assert.Contains(journal.Checks, c => c.Phase == "end" && c.Probe == "lost-events" && c.Value == 0 && c.Passed);

        var stored = JsonSerializer.Deserialize<ExperimentJournal>(await File.ReadAllTextAsync(outcome.JournalPath), BundleJson.Options)!;
        Assert.Equal(ExperimentStatus.Interrupted, stored.Status);
        Assert.Empty(new ExperimentRecords(folder.File("records")).Running());
    }

    [Fact]
    public async Task AToleranceThatCannotBeMetFailsNamingTheProbeAndIsReportedAsFailed()
    {
        using var records = new TempFolder();
        var (exitCode, text) = await Apex.RunAsync(
            "experiment", "run", Path.Combine(Catalogue, "examples", "ex-90-fails-on-purpose.json"), "--storage", "memory", "--records", records.Path);
        output.WriteLine(text);

        Assert.Equal(1, exitCode);
        var journal = Assert.Single(new ExperimentRecords(records.Path).List());
        Assert.Equal(ExperimentStatus.Failed, journal.Status);
        Assert.Contains("latency-p95", journal.Verdict);
        var broken = Assert.Single(journal.Checks, c => !c.Passed);
        Assert.Equal(("during", "latency-p95"), (broken.Phase, broken.Probe));
        Assert.True(broken.Value > 0.001);

        var (_, list) = await Apex.RunAsync("experiment", "list", "--records", records.Path);
        Assert.Contains(journal.RunId, list);
        Assert.Contains("failed", list);
        var (_, report) = await Apex.RunAsync("experiment", "report", "--since", "1h", "--records", records.Path);
        Assert.Contains("1 run(s), 0 passed, 1 did not", report.ReplaceLineEndings(" ").Replace("  ", " "));
        Assert.Contains("EX-90", report);
    }

    [Fact]
    public async Task ASafeguardThatTripsAbortsTheMethodAndRevertsAtOnce()
    {
        using var folder = new TempFolder();
        var file = Write(folder, "abort.json", """{ "kind": "storage-outage", "at": "1s", "for": "30s" }""", duration: "35s",
            safeguards: """[{ "probe": "ready", "min": 1 }]""");
        var outcome = await new ExperimentRunner(new WatchingProgress(), TimeProvider.System).RunAsync(new ExperimentOptions
        {
            ExperimentPath = file, Mesh = new MeshTarget { Storage = "memory" }, RecordsFolder = folder.File("records"),
        });

        var journal = outcome.Journal;
        Assert.Equal(ExperimentStatus.Aborted, journal.Status);
        Assert.Equal(HaltSource.Safeguard, journal.Halt!.Source);
        Assert.Contains("ready", journal.Halt.Reason);
        Assert.Contains(journal.Checks, c => c.Phase == "during" && c.Probe == "ready" && !c.Passed);
        var injection = Assert.Single(journal.Injections);
        Assert.True(injection.RevertedAt - injection.InjectedAt < TimeSpan.FromSeconds(10), "the outage ran on after the safeguard tripped");
        Assert.Contains(journal.Checks, c => c.Phase == "end" && c.Probe == "lost-events" && c.Value == 0 && c.Passed);
    }

    [Fact]
    public async Task ABadExperimentFileIsRefusedListingEveryProblemWithNothingWritten()
    {
        using var folder = new TempFolder();
        var file = folder.File("bad.json");
        await File.WriteAllTextAsync(file, $$"""
            {
              "id": "ex 1", "title": "bad", "owner": "tests", "hypothesis": "h", "colour": "red",
              "steadyState": { "probes": [{ "probe": "latency-p99", "max": 5 }] },
              "method": { "scenario": {{JsonSerializer.Serialize(Apex.SarahsDay)}}, "duration": "5s",
                          "faults": [{ "kind": "app-outage", "at": "1s", "for": "10s" }] },
              "expected": { "outcome": "o", "probes": [{ "probe": "lost-events", "max": 0 }] },
              "rollback": "r", "rto": "soon"
            }
            """);
        var records = folder.File("records");

        var (exitCode, text) = await Apex.RunAsync("experiment", "run", file, "--storage", "memory", "--records", records);

        Assert.Equal(2, exitCode);
        foreach (var problem in new[] { "id:", "colour:", "latency-p99", "method.faults[0].app", "ends at 11 s", "only known at the end", "safeguards:", "rto:" })
        {
            Assert.Contains(problem, text);
        }

        Assert.False(Directory.Exists(records), "a refused experiment wrote records");
    }

    /// <summary>A short experiment on Sarah's day with one fault and the usual guarantees.</summary>
    private static string Write(TempFolder folder, string name, string fault, string duration, string? safeguards = null)
    {
        var path = folder.File(name);
        File.WriteAllText(path, $$"""
            {
              "id": "EX-T", "title": "test experiment", "owner": "tests", "hypothesis": "the mesh holds",
              "steadyState": { "window": "1s", "probes": [{ "probe": "error-rate", "max": 0.05 }, { "probe": "lost-events", "max": 0 }] },
              "method": { "scenario": {{JsonSerializer.Serialize(Apex.SarahsDay)}}, "beatInterval": "100ms", "tenantsPerSecond": 4,
                          "duration": "{{duration}}", "faults": [{{fault}}] },
              "expected": { "outcome": "isolated", "probes": [{ "probe": "error-rate", "except": ["trutalk"], "max": 0.05 }] },
              "safeguards": {{safeguards ?? """[{ "probe": "client-error-rate", "max": 0.9 }]"""}},
              "rollback": "revert", "rto": "30s"
            }
            """);
        return path;
    }

    /// <summary>Quiet progress that says when the first fault went on.</summary>
    private sealed class WatchingProgress : IExperimentProgress
    {
        public TaskCompletionSource FaultOn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Phase(string text)
        {
        }

        public void Sampled(ProbeSample sample, int tenantsInFlight)
        {
        }

        public void Note(string text)
        {
            if (text.StartsWith("on:", StringComparison.Ordinal))
            {
                FaultOn.TrySetResult();
            }
        }

        public void Finished(ExperimentJournal journal, string path)
        {
        }
    }
}

/// <summary>Experiments watch latency and rates in real time: they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExperimentCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "experiments";
}
