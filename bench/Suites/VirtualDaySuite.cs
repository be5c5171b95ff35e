using System.Diagnostics;
using ApexOrleans.Bench.Harness;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Storage.Hosting;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Bench.Suites;

/// <summary>
/// The scenario's day with its seeded chaos on the virtual clock, on the embedded default (SQLite): wall time from the first
/// publish until it settled, and the durable writes such days make per event (the design's figure, under chaos).
/// </summary>
public static class VirtualDaySuite
{
    /// <summary>The design's bound on durable writes per business event, on average over Sarah's day under chaos (issue 24).</summary>
    public const double MaxWritesPerEvent = 5;

    /// <summary>The design's bound on the average payload of one write.</summary>
    public const double MaxBytesPerWrite = 1024;

    /// <summary>Days whose writes are counted: tenant i replays the day with seed + i, as <c>apex load</c> does.</summary>
    private const int CountedDays = 40;

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
        await CountWritesAsync(session, day, scenario, report, log);
    }

    /// <summary>
    /// Replays <see cref="CountedDays"/> days under chaos one after another and counts what the storage committed for them:
    /// writes per business event (a beat: the events its apps react with ride on it), bytes per write, by grain type, and
    /// the deliveries and attempts behind them, which bound how few writes a design that stores each of them can make.
    /// </summary>
    private static async Task CountWritesAsync(EmbeddedMeshSession session, TenantDay day, Scenario scenario, BenchReport report, Action<string> log)
    {
        log($"durable writes of {CountedDays} days under chaos (seeds {scenario.Chaos.Seed}..{scenario.Chaos.Seed + CountedDays - 1}, virtual clock, SQLite)");
        var tally = new StorageTally(ChaosFilteredGrainStorage.SqlStorageOf(session.Services) ?? throw new InvalidOperationException("The virtual day runs on SQLite."));
        var before = (await session.StatsAsync(CancellationToken.None)).Flow;
        await tally.CountAsync(async () =>
        {
            for (var i = 0; i < CountedDays; i++)
            {
                var settings = ScenarioRunner.Settings(scenario, scenario.Chaos.Seed + i, RunClock.Virtual, 1.0, chaos: true);
                var tenant = $"writes-{i}-{Guid.NewGuid():N}"[..24];
                await day.ReplayAsync(scenario, tenant, settings, listed: false, progress: null, CancellationToken.None);
                await session.EndTenantAsync(tenant, CancellationToken.None);
            }

            return 0;
        });
        var after = (await session.StatsAsync(CancellationToken.None)).Flow;
        var events = (long)CountedDays * scenario.Beats.Count;
        var perEvent = tally.PerEvent(events);
        var (deliveries, attempts) = ((after.Delivered - before.Delivered) / (double)events, (after.Attempts - before.Attempts) / (double)events);
        var label = $"{CountedDays} days of Sarah's day under its seeded chaos, virtual clock, SQLite";
        report.Targets.Add(new TargetResult($"at most {MaxWritesPerEvent} durable writes per event under chaos", "state writes / business events", Math.Round(perEvent, 2),
            $"<= {MaxWritesPerEvent}", perEvent <= MaxWritesPerEvent, $"{tally.Writes:N0} writes for {events:N0} events: {label}"));
        report.Targets.Add(new TargetResult("at most 1,024 bytes per write on average under chaos", "payload bytes / state writes", Math.Round(tally.AverageBytes),
            $"<= {MaxBytesPerWrite:N0} B", tally.AverageBytes <= MaxBytesPerWrite, $"{tally.Bytes:N0} bytes in {tally.Writes:N0} writes: {label}"));
        report.Notes.Add($"Writes under chaos by grain type, per event: {tally.ByGrainTypePerEvent(events)}. Behind each event: {deliveries:0.00} deliveries " +
            $"(its source app's own included, and those of the events its apps react with) and {attempts:0.00} attempts. On the virtual clock every " +
            "delivery is accepted in one turn of its queue and attempted in a later one, and its app stores what it applied: with the key's claim, " +
            $"{3 * deliveries + 1:0.0} writes per event before any retry, duplicate, hold or circuit. The applies and claims alone make {deliveries + 1:0.0}; " +
            $"one queue write per delivery more makes {2 * deliveries + 1:0.0}, above the target of {MaxWritesPerEvent}: only queues that store nothing of " +
            "their own on the way (the source's outbox keeping a delivery until its target applied it) could reach it (docs/performance.md).");
        log($"    {perEvent:0.00} writes per event, {tally.AverageBytes:N0} bytes each; {tally.ByGrainTypePerEvent(events)}");
    }
}
