using ApexOrleans.Client.Experiments;

namespace ApexOrleans.Client.Tests.Experiments;

/// <summary>What is expected while faults are on: every sample must hold it, or one must.</summary>
public sealed class ProbeExpectationTests
{
    [Fact]
    public void AnEverySampleProbeFailsAtItsFirstBreakAndSaysWhenAtOnce()
    {
        var progress = new NotedProgress();
        var expectation = new ProbeExpectation(new ProbeTolerance(ProbeCatalog.ErrorRate, 0.05, null, [], ["trutalk"]));

        foreach (var (value, at) in new[] { (0.01, 1.0), (0.2, 1.25), (0.4, 1.5), (0.02, 1.75) })
        {
            expectation.Observe(value, at, progress);
        }

        Assert.Equal(
            new ProbeCheck("during", "error-rate", "error-rate (except trutalk)", "≤ 0.05", 0.2, false, "broke at 1.25 s with 0.2 share"),
            expectation.Result());
        Assert.Equal(["expected error-rate (except trutalk) ≤ 0.05 broke: 0.2 at 1.25 s"], progress.Notes);
    }

    [Fact]
    public void AnEverySampleProbeThatHeldGivesItsWorstValue()
    {
        var expectation = new ProbeExpectation(new ProbeTolerance(ProbeCatalog.QueueDepth, 100, null, [], []));

        foreach (var value in new[] { 3.0, 40, 7 })
        {
            expectation.Observe(value, 1, new NotedProgress());
        }

        Assert.Equal(
            new ProbeCheck("during", "queue-depth", "queue-depth", "≤ 100", 40, true, "held on all 3 samples while faults were on; worst 40 deliveries"),
            expectation.Result());
    }

    [Fact]
    public void AnEventuallyProbeHoldsWhenOneSampleHoldsAndBreaksQuietlyBefore()
    {
        var progress = new NotedProgress();
        var expectation = new ProbeExpectation(new ProbeTolerance(ProbeCatalog.OpenCircuits, null, 1, [], [], Eventually: true));

        foreach (var value in new[] { 0.0, 0, 2, 0 })
        {
            expectation.Observe(value, 1, progress);
        }

        Assert.Equal(
            new ProbeCheck("during", "open-circuits", "open-circuits", "≥ 1 at least once", 2, true, "held at 2 circuits on a sample while faults were on"),
            expectation.Result());
        Assert.Empty(progress.Notes);
    }

    [Fact]
    public void AProbeNeverSampledWhileAFaultWasOnFails()
    {
        var expectation = new ProbeExpectation(new ProbeTolerance(ProbeCatalog.LatencyP95, 500, null, [], []));

        Assert.Equal(
            new ProbeCheck("during", "latency-p95", "latency-p95", "≤ 500", null, false, "no sample was taken while a fault was on"),
            expectation.Result());
    }

    private sealed class NotedProgress : IExperimentProgress
    {
        public List<string> Notes { get; } = [];

        public void Phase(string text)
        {
        }

        public void Sampled(ProbeSample sample, int tenantsInFlight)
        {
        }

        public void Note(string text) => Notes.Add(text);

        public void Finished(ExperimentJournal journal, string path)
        {
        }
    }
}
