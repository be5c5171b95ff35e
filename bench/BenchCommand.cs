using System.Globalization;
using ApexOrleans.Bench.Harness;
using ApexOrleans.Bench.Suites;
using ApexOrleans.Bench.Workloads;

namespace ApexOrleans.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench -- [suite] [options]</c>. Suites: all (default), actor, storage, http,
/// latency, day, memory, scaling, micro. Every ratio compares medians measured in the same run.
/// </summary>
public static class BenchCommand
{
    private static readonly string[] Suites = ["all", "actor", "storage", "http", "latency", "cluster", "day", "memory", "scaling", "micro"];

    /// <summary>Runs the command; exits 0 when every checked target was met, 1 when one was not, 2 on bad input.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Help);
            return 0;
        }

        if (args.FirstOrDefault() == MemorySuite.ChildCommand)
        {
            return await MemorySuite.ChildAsync(args[1..]);
        }

        BenchOptions options;
        string suite;
        try
        {
            (suite, options) = Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"apex-bench: {e.Message}");
            return 2;
        }

        if (!File.Exists(options.ScenarioPath) || !File.Exists(options.CatalogPath))
        {
            Console.Error.WriteLine($"apex-bench: run from the repository root ({options.ScenarioPath} and {options.CatalogPath} are needed).");
            return 2;
        }

        if (ResultsFolderProblem(options.ResultsDirectory) is { } problem)
        {
            Console.Error.WriteLine($"apex-bench: --out {options.ResultsDirectory}: {problem}; nothing was measured.");
            return 2;
        }

        if (suite == "micro")
        {
            return MicroSuite.Run(options);
        }

        var machine = MachineFacts.Read();
        var at = DateTimeOffset.UtcNow;
        var command = $"dotnet run -c Release --project bench -- {string.Join(' ', args)}".TrimEnd();
        void Log(string line) => Console.WriteLine($"[{DateTimeOffset.UtcNow:HH:mm:ss}] {line}");
        Log($"machine: {machine.Cores} cores, {machine.Cpu}, {machine.MemoryGiB} GiB; {options.Repetitions} repetitions of {options.Window.TotalSeconds:0.#} s windows, medians compared");
        var days = MeshDays.Load(options.ScenarioPath, options.CatalogPath);
        var report = new BenchReport(suite == "all" ? "latest" : suite);
        await using var postgres = new BenchPostgres(options.Postgres);
        if (suite is "all" or "actor")
        {
            await ActorSuite.RunAsync(options, report, Log);
        }

        if (suite is "all" or "storage")
        {
            await StorageSuite.RunAsync(options, report, days, postgres, Log);
        }

        if (suite is "all" or "http")
        {
            await HttpSuite.RunAsync(options, report, days, Log);
        }

        if (suite is "all" or "latency")
        {
            await LatencySuite.RunAsync(options, report, days, postgres, Log);
        }

        if (suite is "all" or "cluster")
        {
            await ClusterSuite.RunAsync(options, report, days, postgres, Log);
        }

        if (suite is "all" or "day")
        {
            await VirtualDaySuite.RunAsync(options, report, Log);
        }

        if (suite is "all" or "memory")
        {
            await MemorySuite.RunAsync(options, report, Log);
        }

        if (suite is "all" or "scaling")
        {
            await ScalingSuite.RunAsync(options, report, days, machine, at, Log);
        }

        var path = report.Write(options.ResultsDirectory, machine, at, command);
        foreach (var target in report.Targets)
        {
            Log($"{(target.Met ? "met    " : "NOT MET")} {target.Name}: {target.Value} ({target.Target}); {target.Note}");
        }

        Log($"results: {path}");
        if (suite == "all")
        {
            MicroSuite.Run(options);
        }

        return report.Targets.All(t => t.Met) ? 0 : 1;
    }

    /// <summary>Why results could not be written to <paramref name="folder"/>, checked before a run of half an hour; null when they can.</summary>
    private static string? ResultsFolderProblem(string folder)
    {
        if (File.Exists(folder))
        {
            return "a file is there, not a folder";
        }

        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be written ({e.Message})";
        }
    }

    private const string Help = """
        apex-bench: the mesh measured against bare baselines in the same run, on this machine.

        usage: dotnet run -c Release --project bench -- [suite] [options]     (from the repository root)

        suites:
          all       every suite below, then the micro-benchmarks (default); writes bench/results/latest.md and .json
          actor     (a) grain calls vs a bare channel-mailbox actor               target: >= 25 %
          storage   (b) durable mesh events vs raw INSERT ... ON CONFLICT DO NOTHING, same clients:
                        PostgreSQL (synchronous_commit=on) target >= 33 %, SQLite (WAL, FULL) >= 66 %;
                        writes per event <= 5 and bytes per write <= 1 KiB over Sarah's day under chaos
          http      (c) the mesh alone (memory storage, in-process) vs a bare minimal-API POST   target: >= 30 %
                        and publishing through the silo's HTTP API vs the mesh alone            target: >= 90 %
          latency   mesh latency p99 at a quarter and at half of the measured peak, SQLite and PostgreSQL
                                                                                  target: < 5 ms and < 10 ms
          cluster   (d) one silo process vs three in one cluster on one PostgreSQL: events/s, p99, CPU per event
          day       the 13-beat day on the virtual clock, wall time after start-up  target: < 1 s
          memory    1,000,000 distinct idempotency keys in a child process, peak RSS   target: < 1 GiB
          scaling   events/s and p99 at 1 .. 10,000 tenants: bench/results/scaling-curve.md and .svg
          micro     BenchmarkDotNet: envelope parse, chaos decision, breaker check, receipt lookup (with allocations)

        options:
          --quick            a smoke-sized run (1 repetition, 1 s windows, 20,000 keys, up to 100 tenants)
          --repetitions N    repetitions per measured pair (default 5)
          --window 3s        length of each timed window (default 3s)
          --clients N        concurrent clients on both sides of the storage and HTTP comparisons (default 32)
          --keys N           distinct idempotency keys of the memory run (default 1000000)
          --out DIR          results folder (default bench/results)

        PostgreSQL: $APEX_POSTGRES if set, else a throwaway cluster on 127.0.0.1 (initdb and pg_ctl on PATH).
        Exit code: 0 when every target was met, 1 when one was not, 2 for bad input.
        """;

    private static (string Suite, BenchOptions Options) Parse(string[] args)
    {
        var suite = "all";
        var rest = args.ToList();
        if (rest.Count > 0 && !rest[0].StartsWith("--", StringComparison.Ordinal))
        {
            suite = rest[0];
            rest.RemoveAt(0);
            if (!Suites.Contains(suite))
            {
                throw new ArgumentException($"unknown suite '{suite}'; one of: {string.Join(", ", Suites)}.");
            }
        }

        var options = rest.Remove("--quick") ? BenchOptions.Quick : new BenchOptions();
        for (var i = 0; i < rest.Count; i += 2)
        {
            var value = i + 1 < rest.Count ? rest[i + 1] : throw new ArgumentException($"{rest[i]} needs a value.");
            options = rest[i] switch
            {
                "--repetitions" => options with { Repetitions = Positive(value, rest[i]) },
                "--window" => options with { Window = Seconds(value, rest[i]) },
                "--clients" => options with { Clients = Positive(value, rest[i]) },
                "--keys" => options with { MemoryKeys = Positive(value, rest[i]) },
                "--out" => options with { ResultsDirectory = value },
                _ => throw new ArgumentException($"unknown option '{rest[i]}'; see --help."),
            };
        }

        return (suite, options);
    }

    private static int Positive(string value, string option) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{option} must be a whole number above 0, not '{value}'.");

    private static TimeSpan Seconds(string value, string option) =>
        value.EndsWith('s') && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : throw new ArgumentException($"{option} must be seconds such as 3s, not '{value}'.");
}
