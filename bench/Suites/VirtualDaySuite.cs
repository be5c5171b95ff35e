using System.Diagnostics;
using ApexOrleans.Bench.Harness;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Storage.Hosting;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Bench.Suites;

/// <summary>The scenario's day with its seeded chaos on the virtual clock, on the embedded default (SQLite): wall time from the first publish until it settled.</summary>
public static class VirtualDaySuite
{
    /// <summary>Times the first day after start-up (JIT cold) and the next ones; checks the first is under 1 s.</summary>
    public static async Task RunAsync(BenchOptions options, BenchReport report, Action<string> log)
    {
        log("the scenario's day on the virtual clock (chaos on, SQLite), after start-up");
        using var folder = new TempFolder();
        var scenario = ScenarioLoader.Load(options.ScenarioPath, AppCatalog.Load(options.CatalogPath));
        await using var session = await EmbeddedMeshSession.StartAsync(GrainStorageChoice.Sqlite(folder.File("day.db")), options.CatalogPath, CancellationToken.None);
        var day = new TenantDay(session, TimeProvider.System);
        var times = new List<double>();
        for (var i = 0; i < Math.Max(options.Repetitions, 2); i++)
        {
            var settings = ScenarioRunner.Settings(scenario, scenario.Chaos.Seed, RunClock.Virtual, 1.0, chaos: true);
            var stopwatch = Stopwatch.StartNew();
            await day.ReplayAsync(scenario, $"day-{i}-{Guid.NewGuid():N}"[..20], settings, listed: false, progress: null, CancellationToken.None);
            times.Add(Math.Round(stopwatch.Elapsed.TotalMilliseconds, 1));
            log($"    day {i + 1}: {times[^1]} ms{(i == 0 ? " (first after start-up)" : "")}");
        }

        var first = new Measurement("virtual day, first after start-up", "ms", [times[0]]);
        var warm = new Measurement("virtual day, later days", "ms", times.Skip(1).ToList());
        report.Measurements.Add(first);
        report.Measurements.Add(warm);
        report.Targets.Add(new TargetResult("the 13-beat day on the virtual clock < 1 s of wall time after start-up", first.Name, first.Median, "< 1000 ms", first.Median < 1000,
            $"later days: median {warm.Median} ms; {scenario.Beats.Count} beats with seed {scenario.Chaos.Seed}'s chaos"));
    }
}
