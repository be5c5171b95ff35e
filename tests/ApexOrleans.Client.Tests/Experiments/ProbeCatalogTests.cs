using ApexOrleans.Client.Experiments;
using ApexOrleans.Contracts.Diagnostics;

namespace ApexOrleans.Client.Tests.Experiments;

/// <summary>A probe an experiment file may name is one the runner can read, at the time the catalog says.</summary>
public sealed class ProbeCatalogTests
{
    public static TheoryData<string> LiveProbes() => [.. ProbeCatalog.All.Values.Where(p => p.Timing == ProbeTiming.Live).Select(p => p.Name)];

    public static TheoryData<string> EndOfRunProbes() => [.. ProbeCatalog.All.Values.Where(p => p.Timing == ProbeTiming.Record).Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(LiveProbes))]
    public void EveryLiveProbeOfTheCatalogIsReadFromASample(string probe)
    {
        var at = new DateTimeOffset(2026, 1, 3, 7, 0, 0, TimeSpan.Zero);
        var first = new MeshStats(10, 7, 2, 0, 0) { Flow = Flow(circuitsNotClosed: 2, trutalk: new(10, 0), jubeelove: new(5, 0), latencyMs: [1, 2]) };
        var last = new MeshStats(10, 3, 2, 0, 0) { Flow = Flow(circuitsNotClosed: 1, trutalk: new(30, 10), jubeelove: new(15, 0), latencyMs: [4, 40]) };
        var window = new[] { new ProbeReading(at, first, true, 10, 1), new ProbeReading(at.AddSeconds(1), last, false, 30, 6) };

        var value = ProbeReading.Value(new ProbeTolerance(probe, 1, null, [], []), window);

        Assert.Equal(ExpectedLive[probe], value);
    }

    [Theory]
    [MemberData(nameof(EndOfRunProbes))]
    public void EveryEndOfRunProbeOfTheCatalogIsReadFromTheTraffic(string probe)
    {
        var scores = new[]
        {
            new TenantScore("t-1", true, 0, 0, false, null),
            new TenantScore("t-2", false, 2, 3, true, null, ["nothing-lost: 3 lost"], FailedOver: 4),
        };
        var traffic = new TrafficRecord("sarahs-day", "00", 100, 4, 5, 2, 6, 100, 1, 14, 8, 5);

        var value = new EndOfRunReading(scores, traffic, InFlight: 1).Value(probe);

        Assert.Equal(ExpectedEndOfRun[probe], value);
    }

    [Fact]
    public void AProbeOutsideTheCatalogIsNotReadAsZero()
    {
        var empty = new EndOfRunReading([], new TrafficRecord("s", "0", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0);

        Assert.Throws<ArgumentException>(() => empty.Value("latency-p99"));
    }

    // What each probe reads from the readings above: latency as the last reading's p95, rates between the first and the
    // last reading (10 of 30 delivery attempts failed; 5 of 20 calls), levels at their worst.
    private static readonly Dictionary<string, double> ExpectedLive = new()
    {
        [ProbeCatalog.LatencyP95] = 40, [ProbeCatalog.ErrorRate] = 0.3333, [ProbeCatalog.ClientErrorRate] = 0.25,
        [ProbeCatalog.QueueDepth] = 7, [ProbeCatalog.Ready] = 0, [ProbeCatalog.OpenCircuits] = 2,
    };

    private static MeshFlow Flow(long circuitsNotClosed, TargetFlow trutalk, TargetFlow jubeelove, double[] latencyMs) =>
        MeshFlow.Empty with
        {
            CircuitsNotClosed = circuitsNotClosed,
            ByTarget = new Dictionary<string, TargetFlow> { ["trutalk"] = trutalk, ["jubeelove"] = jubeelove },
            RecentLatencyMs = LatencyFigures.Of(latencyMs),
        };

    // A tenant still in flight at the end counts as failed.
    private static readonly Dictionary<string, double> ExpectedEndOfRun = new()
    {
        [ProbeCatalog.DuplicateEffects] = 2, [ProbeCatalog.LostEvents] = 3, [ProbeCatalog.FailedOver] = 4, [ProbeCatalog.StateDivergence] = 1,
        [ProbeCatalog.FailedTenants] = 2, [ProbeCatalog.DroppedTenants] = 6, [ProbeCatalog.ReplaysExecuted] = 5, [ProbeCatalog.ReplaysRefused] = 8,
    };
}
