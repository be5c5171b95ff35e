using ApexOrleans.Bench.Harness;
using ApexOrleans.Bench.Micro;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ApexOrleans.Bench.Suites;

/// <summary>BenchmarkDotNet over the micro-paths, in process (no generated projects), short runs; the table goes to bench/results/micro.md.</summary>
public static class MicroSuite
{
    /// <summary>Runs the micro-benchmarks; returns 0.</summary>
    public static int Run(BenchOptions options)
    {
        var artifacts = Path.Combine(options.ResultsDirectory, "micro-artifacts");
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .WithArtifactsPath(artifacts);
        var summary = BenchmarkRunner.Run<MeshPaths>(config);
        var table = Directory.GetFiles(Path.Combine(artifacts, "results"), "*-report-github.md").FirstOrDefault();
        if (table is not null)
        {
            File.WriteAllText(Path.Combine(options.ResultsDirectory, "micro.md"), "# Micro-paths (BenchmarkDotNet)\n\n" + File.ReadAllText(table));
        }

        return summary.HasCriticalValidationErrors ? 1 : 0;
    }
}
