using ApexOrleans.Client.Experiments;

namespace ApexOrleans.Client.Tests.Experiments;

/// <summary>How a run ended, from its checks, its halt and its recovery.</summary>
public sealed class ExperimentVerdictTests
{
    private static readonly DateTimeOffset Seven = new(2026, 1, 3, 7, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Rto = TimeSpan.FromSeconds(30);

    private static readonly ProbeCheck Held = new("before", "error-rate", "error-rate", "≤ 0.05", 0.01, true, "held");
    private static readonly ProbeCheck Broken = new("during", "latency-p95", "latency-p95", "≤ 0.001", 2.5, false, "broke");

    public static TheoryData<HaltSource> EveryOtherHalt() => [HaltSource.HaltCommand, HaltSource.CtrlC, HaltSource.SiloApi];

    [Fact]
    public void ASafeguardHaltAbortsTheRunEvenWhenEveryCheckHeld()
    {
        var verdict = ExperimentVerdict.Of([Held], Halt(HaltSource.Safeguard, "ready = 0 broke its limit ≥ 1"), null, Rto, interrupted: false);

        Assert.Equal(new ExperimentVerdict(ExperimentStatus.Aborted, "aborted by a safeguard: ready = 0 broke its limit ≥ 1; every fault reverted in 12.5 ms"), verdict);
        Assert.False(verdict.Passed);
    }

    [Theory]
    [MemberData(nameof(EveryOtherHalt))]
    public void AnyOtherHaltInterruptsTheRunNamingWhoPulledIt(HaltSource source)
    {
        var verdict = ExperimentVerdict.Of([Held, Broken], Halt(source, "pulled"), null, Rto, interrupted: false);

        Assert.Equal(ExperimentStatus.Interrupted, verdict.Status);
        Assert.Equal($"interrupted by the kill switch ({source.Name}): every fault reverted in 12.5 ms", verdict.Text);
    }

    [Fact]
    public void TheFirstBrokenCheckFailsTheRunWithItsValuePhaseAndLimit()
    {
        var later = Broken with { Probe = "queue-depth", Label = "queue-depth" };

        var verdict = ExperimentVerdict.Of([Held, Broken, later], null, null, Rto, interrupted: false);

        Assert.Equal(new ExperimentVerdict(ExperimentStatus.Failed, "failed: latency-p95 was 2.5 in phase 'during', limit ≤ 0.001"), verdict);
    }

    [Fact]
    public void AHeldHypothesisCountsItsChecksAndGivesTheRecoveryTime()
    {
        var recovery = new RecoveryRecord(Seven, Seven.AddSeconds(3.25), 3.25, 30, true, "recovered");

        var verdict = ExperimentVerdict.Of([Held, Held with { Phase = "after" }], null, recovery, Rto, interrupted: false);

        Assert.Equal(new ExperimentVerdict(ExperimentStatus.Completed, "the hypothesis held: 2 checks passed; recovered in 3.25 s (RTO 30 s)"), verdict);
        Assert.True(verdict.Passed);
    }

    [Fact]
    public void AnInterruptedRunSaysItsTenantsInFlightWereAbandoned()
    {
        var verdict = ExperimentVerdict.Of([Held], Halt(HaltSource.CtrlC, "interrupted from the terminal (Ctrl-C)"), null, Rto, interrupted: true);

        Assert.Equal("interrupted by the kill switch (ctrl-c): every fault reverted in 12.5 ms; tenants in flight were abandoned", verdict.Text);
    }

    private static HaltRecord Halt(HaltSource source, string reason) => new(source, reason, Seven, Seven.AddMilliseconds(12.5), 12.5);
}
