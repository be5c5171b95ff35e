using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ApexOrleans.Bench.Harness;
using ApexOrleans.Bench.Workloads;
using ApexOrleans.Storage.Hosting;
using ApexOrleans.TestSupport;
using Orleans.Configuration;

namespace ApexOrleans.Bench.Suites;

/// <summary>
/// Bounded memory: tenants replay their day until the given number of distinct idempotency keys has been claimed,
/// in a child process (so its resident memory is its own), on SQLite with idle activations collected after 15 s
/// and settled tenants retired. Receipts live in storage; what stays in RAM is what is active.
/// </summary>
public static class MemorySuite
{
    /// <summary>Concurrent publishers: enough to keep the durable writes' group commits full.</summary>
    private const int Publishers = 128;

    /// <summary>The hidden command the child runs.</summary>
    public const string ChildCommand = "memory-child";

    /// <summary>What the child reports.</summary>
    public sealed record MemoryResult(long Keys, double Seconds, double EventsPerSecond, long PeakWorkingSetBytes, long FinalWorkingSetBytes, long PeakActivations, long FinalActivations);

    /// <summary>Runs the child and checks its peak resident memory is under 1 GiB.</summary>
    public static async Task RunAsync(BenchOptions options, BenchReport report, Action<string> log)
    {
        log($"memory: {options.MemoryKeys:N0} distinct idempotency keys in a child process (SQLite, activations idle 15 s are collected)");
        var (file, prefix) = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
            ? (Environment.ProcessPath!, new[] { typeof(MemorySuite).Assembly.Location })
            : (Environment.ProcessPath!, Array.Empty<string>());
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in prefix.Concat([ChildCommand, options.MemoryKeys.ToString(CultureInfo.InvariantCulture), options.ScenarioPath, options.CatalogPath]))
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        MemoryResult? result = null;
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                result = JsonSerializer.Deserialize<MemoryResult>(line["RESULT ".Length..]);
            }
            else
            {
                log($"    {line}");
            }
        }

        await child.WaitForExitAsync();
        if (child.ExitCode != 0 || result is null)
        {
            throw new InvalidOperationException($"the memory run failed (exit {child.ExitCode}).");
        }

        var peak = new Measurement("memory run peak resident memory", "MiB", [Math.Round(result.PeakWorkingSetBytes / 1048576.0, 1)]);
        report.Measurements.Add(peak);
        report.Measurements.Add(new Measurement("memory run distinct idempotency keys", "keys", [result.Keys]));
        report.Measurements.Add(new Measurement("memory run events (SQLite, durable)", "per s", [Math.Round(result.EventsPerSecond, 1)]));
        report.Measurements.Add(new Measurement("memory run peak activations", "activations", [result.PeakActivations]));
        report.Targets.Add(new TargetResult($"{result.Keys:N0} distinct idempotency keys in under 1 GiB resident", peak.Name, peak.Median, "< 1024 MiB", peak.Median < 1024,
            $"final {result.FinalWorkingSetBytes / 1048576.0:N0} MiB, {result.FinalActivations:N0} activations left of a peak of {result.PeakActivations:N0}; {result.Seconds:N0} s"));
    }

    /// <summary>The child: runs the workload and prints RESULT {json}.</summary>
    public static async Task<int> ChildAsync(string[] args)
    {
        var keys = long.Parse(args[0], CultureInfo.InvariantCulture);
        var days = MeshDays.Load(args[1], args[2]);
        using var folder = new TempFolder();
        await using var silo = await BenchSilo.StartAsync(GrainStorageChoice.Sqlite(folder.File("memory.db")), args[2], s => s.Configure<GrainCollectionOptions>(c =>
        {
            c.CollectionAge = TimeSpan.FromSeconds(15);
            c.CollectionQuantum = TimeSpan.FromSeconds(5);
        }));
        long peakRss = 0, peakActivations = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var stats = silo.Stats;
                peakRss = Math.Max(peakRss, stats.WorkingSetBytes);
                peakActivations = Math.Max(peakActivations, stats.Activations);
                await Task.Delay(250, CancellationToken.None);
            }
        });
        var maxDays = (keys + days.Beats.Count - 1) / days.Beats.Count;
        var result = await days.ClosedLoopAsync(new EmbeddedTarget(silo), Publishers, null, maxDays, p =>
        {
            var stats = silo.Stats;
            Console.WriteLine($"[{p.Elapsed.TotalSeconds,5:0}s] {p.Events:N0} keys claimed, {p.Unsettled} tenants settling, {stats.Activations:N0} activations, rss {stats.WorkingSetBytes / 1048576.0:N0} MiB");
        });
        await sampling.CancelAsync();
        await sampler;
        var final = silo.Stats;
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(new MemoryResult(result.Events, result.Elapsed.TotalSeconds, result.EventsPerSecond,
            Math.Max(peakRss, final.WorkingSetBytes), final.WorkingSetBytes, peakActivations, final.Activations)));
        return 0;
    }
}
