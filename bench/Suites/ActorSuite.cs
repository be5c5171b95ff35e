using ApexOrleans.Bench.Baselines;
using ApexOrleans.Bench.Harness;
using ApexOrleans.Bench.Workloads;
using ApexOrleans.Storage.Hosting;

namespace ApexOrleans.Bench.Suites;

/// <summary>(a) A grain call through the runtime against a bare per-key channel actor: same keys, same callers, request/response.</summary>
public static class ActorSuite
{
    private const int Keys = 1_000;
    private const int Callers = 64;

    /// <summary>Measures both and checks grain calls/s ≥ 25 % of bare actor calls/s.</summary>
    public static async Task RunAsync(BenchOptions options, BenchReport report, Action<string> log)
    {
        log($"(a) grain calls vs a bare channel actor: {Keys} keys, {Callers} callers");
        var keys = Enumerable.Range(0, Keys).Select(i => $"counter-{i}").ToArray();
        var actors = new BareActor.Directory();
        await using var silo = await BenchSilo.StartAsync(GrainStorageChoice.Memory(), options.CatalogPath); // CounterGrain is found by Orleans with the bench's other generated code
        string Key(int client, long i) => keys[(int)((client * 7919L + i) % Keys)];
        Task<double> Bare() => Throughput.MeasureAsync(Callers, options.Window, (c, i) => actors.Get(Key(c, i)).IncrementAsync());
        Task<double> Grain() => Throughput.MeasureAsync(Callers, options.Window, (c, i) => silo.Grains.GetGrain<ICounterGrain>(Key(c, i)).IncrementAsync());
        await Bare(); // warm-up: JIT, thread pool, activations
        await Grain();
        var (bare, grain) = await Throughput.PairAsync(options.Repetitions, "bare actor calls", Bare, "grain calls", Grain, "calls/s", log);
        report.Measurements.Add(bare);
        report.Measurements.Add(grain);
        report.Ratio("grain call throughput ≥ 25 % of the bare actor", bare, grain, 0.25);
    }
}
