using ApexOrleans.Bench.Harness;
using ApexOrleans.Bench.Workloads;
using ApexOrleans.Storage.Hosting;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Bench.Suites;

/// <summary>
/// Mesh latency at a quarter and at half of the measured peak: the peak is the median closed-loop events/s; then events
/// are published at those rates (open loop) and the mesh's own delivery latency is recorded. No chaos, so nothing
/// injected is in it.
/// </summary>
public static class LatencySuite
{
    /// <summary>Measures on SQLite (the embedded default) and on PostgreSQL.</summary>
    public static async Task RunAsync(BenchOptions options, BenchReport report, MeshDays days, BenchPostgres postgres, Action<string> log)
    {
        using var folder = new TempFolder();
        await MeasureAsync("SQLite", GrainStorageChoice.Sqlite(folder.File("latency.db")), options, report, days, log);
        await MeasureAsync("PostgreSQL", GrainStorageChoice.Postgres(await postgres.ConnectionStringAsync(), $"lat_{Guid.NewGuid():N}"[..16]), options, report, days, log);
    }

    private static async Task MeasureAsync(string storage, GrainStorageChoice choice, BenchOptions options, BenchReport report, MeshDays days, Action<string> log)
    {
        log($"latency on {storage}: peak rate, then a quarter and half of it");
        await using var silo = await BenchSilo.StartAsync(choice, options.CatalogPath);
        var target = new EmbeddedTarget(silo);
        await WarmUpAsync(storage, target, options, days, log);
        var peaks = new List<double>();
        for (var i = 0; i < options.Repetitions; i++)
        {
            peaks.Add(Math.Round((await days.ClosedLoopAsync(target, options.Clients, options.Window, null)).EventsPerSecond, 1));
        }

        var peak = new Measurement($"{storage} peak mesh events", "per s", peaks);
        report.Measurements.Add(peak);
        foreach (var (share, name, bound) in Loads)
        {
            await PacedAsync(storage, silo, target, peak, share, name, bound, options, report, days, log);
        }
    }

    /// <summary>The paced loads, as shares of the peak, and the p99 each must stay under (issue 24).</summary>
    private static readonly (double Share, string Name, double P99BoundMs)[] Loads = [(0.25, "a quarter of", 5), (0.5, "half", 10)];

    /// <summary>Publishes at <paramref name="share"/> of the peak (open loop) and records the mesh's delivery latency and its writes.</summary>
    private static async Task PacedAsync(string storage, BenchSilo silo, EmbeddedTarget target, Measurement peak, double share, string name, double boundMs,
        BenchOptions options, BenchReport report, MeshDays days, Action<string> log)
    {
        var rate = peak.Median * share;
        using var recorder = new LatencyRecorder();
        var p99s = new List<double>();
        var publishP99s = new List<double>();
        var achieved = new List<double>();
        var writes = new StorageTally(silo.SqlStorage!);
        long events = 0;
        for (var i = 0; i < options.Repetitions; i++)
        {
            recorder.Take();
            var run = await writes.CountAsync(() => days.PacedAsync(target, rate, options.Window * 2));
            events += run.Events;
            var latency = recorder.Take();
            p99s.Add(latency.P99);
            publishP99s.Add(run.PublishMs.P99);
            achieved.Add(Math.Round(run.EventsPerSecond, 1));
            log($"    at {rate:N0} events/s: mesh latency p50 {latency.P50} ms, p99 {latency.P99} ms, max {latency.Max} ms over {latency.Count} deliveries; publish p99 {run.PublishMs.P99} ms");
        }

        var at = name == "half" ? "half peak" : $"{name} peak";
        var p99 = new Measurement($"{storage} mesh latency p99 at {at}", "ms", p99s);
        report.Measurements.Add(new Measurement($"{storage} achieved rate at {at}", "per s", achieved));
        report.Measurements.Add(p99);
        report.Measurements.Add(new Measurement($"{storage} publish latency p99 at {at} (client view, durable accept)", "ms", publishP99s));
        report.Notes.Add($"{storage} at {at}: {writes.PerEvent(events):0.0} writes per event, {writes.AverageBytes:N0} bytes each, {writes.PerCommit:0.0} per commit "
            + $"({writes.ByGrainTypePerEvent(events)}).");
        report.Targets.Add(new TargetResult($"mesh latency p99 < {boundMs} ms at {name} the peak rate ({storage})", p99.Name, p99.Median, $"< {boundMs} ms",
            p99.Median < boundMs, $"peak {peak.Median:N0} events/s, paced at {rate:N0}/s; medians of {options.Repetitions}"));
    }

    /// <summary>The most warm-up windows before the peak is measured (a fresh process compiles for tens of seconds).</summary>
    private const int MaxWarmUpWindows = 10;

    /// <summary>
    /// Closed-loop windows until one is within a tenth of the one before, so the peak is the warm process's. Run alone in
    /// a fresh process, the single window this used to be left the peak at about half of what the full run measured after
    /// its other suites had warmed the process, and the p99 was then measured at a rate the warm mesh barely notices.
    /// </summary>
    private static async Task WarmUpAsync(string storage, EmbeddedTarget target, BenchOptions options, MeshDays days, Action<string> log)
    {
        var previous = 0.0;
        for (var window = 1; window <= MaxWarmUpWindows; window++)
        {
            var rate = (await days.ClosedLoopAsync(target, options.Clients, options.Window, null)).EventsPerSecond;
            if (previous > 0 && Math.Abs(rate - previous) <= previous / 10)
            {
                log($"    warmed up after {window} windows ({previous:N0}, then {rate:N0} events/s)");
                return;
            }

            previous = rate;
        }

        log($"    {storage} still moving after {MaxWarmUpWindows} warm-up windows (the last {previous:N0} events/s); measuring anyway");
    }
}
