namespace ApexOrleans.Bench.Harness;

/// <summary>Tunables of a bench run; <c>--quick</c> shrinks everything for a smoke run (its figures are not the README's).</summary>
public sealed record BenchOptions
{
    /// <summary>Repetitions of each measured pair (baseline, subject), interleaved; medians are compared.</summary>
    public int Repetitions { get; init; } = 5;

    /// <summary>Wall time of one timed repetition of a throughput measurement.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Concurrent clients of the storage and HTTP comparisons (the same on both sides).</summary>
    public int Clients { get; init; } = 32;

    /// <summary>Distinct idempotency keys of the memory run.</summary>
    public int MemoryKeys { get; init; } = 1_000_000;

    /// <summary>Tenant counts of the scaling curve.</summary>
    public IReadOnlyList<int> ScalingTenants { get; init; } = [1, 10, 100, 1_000, 10_000];

    /// <summary>Where results are written.</summary>
    public string ResultsDirectory { get; init; } = Path.Combine("bench", "results");

    /// <summary>PostgreSQL connection string; null starts a throwaway cluster on 127.0.0.1.</summary>
    public string? Postgres { get; init; } = Environment.GetEnvironmentVariable("APEX_POSTGRES");

    /// <summary>The scenario whose beats the mesh workloads publish.</summary>
    public string ScenarioPath { get; init; } = Path.Combine("scenarios", "sarahs-day.json");

    /// <summary>The app catalog.</summary>
    public string CatalogPath { get; init; } = Path.Combine("config", "apps.json");

    /// <summary>A smoke-sized run.</summary>
    public static BenchOptions Quick => new()
    {
        Repetitions = 1, Window = TimeSpan.FromSeconds(1), Clients = 8, MemoryKeys = 20_000, ScalingTenants = [1, 10, 100],
    };
}
