using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.TestSupport;
using Xunit.Abstractions;

namespace ApexOrleans.Silo.Tests;

/// <summary>
/// Crash safety on real PostgreSQL: a silo process is killed with SIGKILL in the middle of a run, at every crash
/// point of the mesh and at random moments, started again, and the run resumes. Every run must end with no effect
/// twice, nothing accepted lost, every invariant of its bundle holding, and the final state equal to the control.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CrashTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static string SarahsDay => Path.Combine(AppContext.BaseDirectory, "scenarios", "sarahs-day.json");

    [SkippableFact]
    public async Task KilledAtEveryCrashPointAndAtRandomTheRunResumesWithNothingLostOrDoubled()
    {
        // A day fails over once (its one delivery to CareConnect), so that point has a first pass only.
        var cases = CrashPoints.All.SelectMany((point, i) => point == CrashPoints.FailoverPoint
                ? new[] { ($"{point}:1", 40 + (2 * i)) }
                : [($"{point}:1", 40 + (2 * i)), ($"{point}:3", 41 + (2 * i))])
            .Select(c => (CrashAt: (string?)c.Item1, Seed: (long)c.Item2, KillAfterMs: 0))
            .Concat(Enumerable.Range(0, 4).Select(i => (CrashAt: (string?)null, Seed: 60L + i, KillAfterMs: 100 + (i * 200))))
            .ToList();
        var killed = 0;
        using var folder = new TempFolder();
        // A failover happens only to a target with a fallback that is down: that point is tried on a day with CareConnect down.
        var careconnectDown = JsonNode.Parse(File.ReadAllText(SarahsDay))!;
        careconnectDown["name"] = "careconnect-outage";
        careconnectDown["chaos"]!["outage"] = JsonNode.Parse("""{ "app": "careconnect", "fromBeat": 2, "toBeat": 5 }""");
        File.WriteAllText(folder.File("careconnect-outage.json"), careconnectDown.ToJsonString());
        foreach (var (crashAt, seed, killAfterMs) in cases)
        {
            await using var silo = await SiloProcess.StartAsync(["--Apex:Storage", "postgres", "--Apex:Database", postgres.ConnectionString], crashAt);
            var scenario = crashAt?.StartsWith(CrashPoints.FailoverPoint, StringComparison.Ordinal) == true ? folder.File("careconnect-outage.json") : SarahsDay;
            var progress = new RunStartSignal();
            var run = new ScenarioRunner(progress, TimeProvider.System).RunAsync(new RunOptions
            {
                ScenarioPath = scenario, Seed = seed, Mesh = new MeshTarget { Silo = silo.Url }, OutputDirectory = folder.Path,
            });
            if (killAfterMs > 0)
            {
                // Timed from the run's start, not from the call: a kill while the runner is still connecting would test the connect, not a resume.
                await Task.WhenAny(progress.Started, run); // a run that fails before it starts reports its own error below
                await Task.Delay(killAfterMs);
                silo.KillNow();
            }

            var outcome = await run.WaitAsync(TimeSpan.FromMinutes(3));
            var what = crashAt ?? $"SIGKILL after {killAfterMs} ms";
            killed += silo.Restarts > 0 ? 1 : 0;
            Assert.True(crashAt is null || silo.Restarts > 0, $"crash point {crashAt} was never reached");
            output.WriteLine($"{what,-36} seed {seed}: silo restarts {silo.Restarts}, must-pass {(outcome.Scorecard.Passed ? "held" : "FAILED")}");

            RunAssertions.Holds(outcome, $"{what}, seed {seed}");
        }

        output.WriteLine($"kill points tried: {cases.Count}; silo killed mid-run: {killed}; every run resumed with nothing lost or doubled");
        Assert.True(killed >= cases.Count - 2, $"only {killed} of {cases.Count} runs were actually killed");
    }
}

/// <summary>Signals when the runner begins its first phase, that is, once it is connected and the run is under way.</summary>
internal sealed class RunStartSignal : IRunProgress
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the first phase.</summary>
    public Task Started => _started.Task;

    /// <inheritdoc />
    public void Phase(string description) => _started.TrySetResult();

    /// <inheritdoc />
    public void BeatPublished(BeatProgress beat)
    {
    }

    /// <inheritdoc />
    public void Finished(Scorecard scorecard, string bundlePath, Manifest manifest)
    {
    }
}
