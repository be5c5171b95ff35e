using System.Collections.Concurrent;
using System.Diagnostics;
using ApexOrleans.Bench.Harness;
using ApexOrleans.Bench.Workloads;
using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Storage.Hosting;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Bench.Suites;

/// <summary>
/// (d) One silo process against three in one cluster, on one PostgreSQL (storage and membership), in the same run and
/// driven the same way: an Orleans cluster client (the one <c>apex run --cluster</c> uses) through every silo's gateway
/// replays whole days for fresh tenants, each counted once every delivery is done. Each side's peak is a closed loop
/// after warm-up windows agree within a tenth; its p99 is the publish latency paced at half its own peak, as the latency
/// suite measures. On one machine the three silos share its cores, so the ratio measures what clustering costs.
/// </summary>
public static class ClusterSuite
{
    /// <summary>Silo processes of the cluster figure.</summary>
    private const int ClusterSilos = 3;

    /// <summary>Runs the single silo and the cluster, one after the other, and reports both and their ratio.</summary>
    public static async Task RunAsync(BenchOptions options, BenchReport report, MeshDays days, BenchPostgres postgres, Action<string> log)
    {
        var connectionString = await postgres.ConnectionStringAsync();
        log($"(d) cluster: 1 silo process vs {ClusterSilos} on one PostgreSQL, driven by a cluster client");
        var one = await MeasureAsync(1, connectionString, options, days, log);
        var cluster = await MeasureAsync(ClusterSilos, connectionString, options, days, log);
        report.Measurements.AddRange([one.Peak, one.P99, one.CpuPerEvent, cluster.Peak, cluster.P99, cluster.CpuPerEvent]);
        report.Notes.Add($"Cluster: {ClusterSilos} silo processes on this machine's {Environment.ProcessorCount} cores peaked at {cluster.Peak.Median:N0} events/s " +
            $"against one silo's {one.Peak.Median:N0} ({cluster.Peak.Median / one.Peak.Median:P0}); at half of each one's peak ({cluster.PacedRate:N0} and " +
            $"{one.PacedRate:N0} events/s) the publish p99 was {cluster.P99.Median} ms against {one.P99.Median} ms. The silos spent {cluster.CpuPerEvent.Median:0.00} ms of CPU per event " +
            $"against {one.CpuPerEvent.Median:0.00} ms ({cluster.CpuPerEvent.Median / one.CpuPerEvent.Median - 1:+0%;-0%}): what the cross-silo calls (a call " +
            "through a gateway that does not host the tenant is forwarded to the silo that does) and two more runtimes cost.");
    }

    /// <summary>One silo count's figures: medians of the repetitions, and the paced rate its p99 was measured at.</summary>
    private sealed record Figures(Measurement Peak, Measurement P99, Measurement CpuPerEvent, double PacedRate);

    private static async Task<Figures> MeasureAsync(int silos, string connectionString, BenchOptions options, MeshDays days, Action<string> log)
    {
        var clusterId = $"bench-{silos}-{Guid.NewGuid():N}"[..20];
        string[] settings =
        [
            "--Apex:Storage", GrainStorageKinds.PostgresBatched, "--Apex:Database", connectionString, "--Apex:Cluster", "postgres", "--Apex:ClusterId", clusterId,
            "--Apex:Apps", Path.GetFullPath(options.CatalogPath), "--Logging:LogLevel:Default", "Warning",
        ];
        var processes = await Task.WhenAll(Enumerable.Range(0, silos).Select(_ => SiloProcess.StartAsync(settings, restart: false)));
        try
        {
            var target = new MeshTarget { Cluster = string.Join(",", processes.Select(p => $"127.0.0.1:{p.GatewayPort}")), ClusterId = clusterId };
            await using var session = await target.OpenAsync(Path.GetFullPath(options.CatalogPath), "", TimeProvider.System, CancellationToken.None);
            var (peaks, cpu) = (new List<double>(), new List<double>());
            await WarmUpAsync(session, days, options, log);
            for (var i = 1; i <= options.Repetitions; i++)
            {
                var before = processes.Sum(p => p.ProcessorTime.TotalMilliseconds);
                var run = await DaysAsync(session, days, options.Clients, options.Window * 2, rate: null);
                var cpuPerEvent = (processes.Sum(p => p.ProcessorTime.TotalMilliseconds) - before) / Math.Max(1, run.Events);
                peaks.Add(Math.Round(run.EventsPerSecond, 1));
                cpu.Add(Math.Round(cpuPerEvent, 3));
                log($"    {silos} silo(s), closed loop {i}/{options.Repetitions}: {run.EventsPerSecond:N0} events/s ({run.Tenants} days), {cpuPerEvent:0.00} ms silo CPU per event");
            }

            var name = silos == 1 ? "1 silo process" : $"{silos} silo processes (one cluster)";
            var peak = new Measurement($"{name}, PostgreSQL: peak mesh events (every delivery done)", "per s", peaks);
            var rate = peak.Median / 2;
            var p99s = new List<double>();
            for (var i = 1; i <= options.Repetitions; i++)
            {
                var run = await DaysAsync(session, days, options.Clients, options.Window * 2, rate);
                p99s.Add(run.PublishMs.P99);
                log($"    {silos} silo(s), paced at {rate:N0} events/s {i}/{options.Repetitions}: publish p50 {run.PublishMs.P50} ms, p99 {run.PublishMs.P99} ms");
            }

            return new Figures(peak, new Measurement($"{name}, PostgreSQL: publish latency p99 at half its peak (client view, durable accept)", "ms", p99s),
                new Measurement($"{name}, PostgreSQL: silo CPU per event", "ms", cpu), rate);
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    /// <summary>The most warm-up windows: fresh silo processes compile their hot paths for tens of seconds.</summary>
    private const int MaxWarmUpWindows = 10;

    /// <summary>Closed-loop windows until one is within a tenth of the one before, so the peak is the warm processes'.</summary>
    private static async Task WarmUpAsync(IMeshSession session, MeshDays days, BenchOptions options, Action<string> log)
    {
        var previous = 0.0;
        for (var window = 1; window <= MaxWarmUpWindows; window++)
        {
            var rate = (await DaysAsync(session, days, options.Clients, options.Window * 2, rate: null)).EventsPerSecond;
            if (previous > 0 && Math.Abs(rate - previous) <= previous / 10)
            {
                log($"    warmed up after {window} windows ({previous:N0}, then {rate:N0} events/s)");
                return;
            }

            previous = rate;
        }

        log($"    still moving after {MaxWarmUpWindows} warm-up windows (the last {previous:N0} events/s); measuring anyway");
    }

    /// <summary>
    /// <paramref name="clients"/> replay whole days for fresh tenants (real clock, no chaos) until the window ends, back to
    /// back or paced at <paramref name="rate"/> events/s in all; a day counts once its tenant has settled (every delivery done).
    /// </summary>
    private static async Task<DaysResult> DaysAsync(IMeshSession session, MeshDays days, int clients, TimeSpan window, double? rate)
    {
        var prefix = $"c-{Guid.NewGuid():N}"[..10];
        var stopwatch = Stopwatch.StartNew();
        var publishMs = new ConcurrentBag<double>();
        long started = 0, settled = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var slot = 0L;
            while (stopwatch.Elapsed < window)
            {
                var tenant = $"{prefix}-{Interlocked.Increment(ref started)}";
                var now = DateTimeOffset.UtcNow;
                await session.StartTenantAsync(tenant, new RunSettings { Clock = RunClock.Real, ClockStart = now }, listed: false, CancellationToken.None);
                foreach (var beat in days.Beats)
                {
                    if (rate is { } perSecond && TimeSpan.FromSeconds((slot++ * clients + client) / perSecond) - stopwatch.Elapsed is { Ticks: > 0 } wait)
                    {
                        await Task.Delay(wait);
                    }

                    var at = Stopwatch.GetTimestamp();
                    await session.PublishAsync(tenant, beat, CancellationToken.None);
                    publishMs.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                }

                await session.SettleAsync(tenant, now + TimeSpan.FromMinutes(10), CancellationToken.None);
                await session.EndTenantAsync(tenant, CancellationToken.None);
                Interlocked.Increment(ref settled);
            }
        })));
        var count = Interlocked.Read(ref settled);
        return new DaysResult(count * days.Beats.Count, stopwatch.Elapsed, LatencyFigures.Of(publishMs), count, stopwatch.Elapsed);
    }
}
