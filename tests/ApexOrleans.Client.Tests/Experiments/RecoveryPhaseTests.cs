using ApexOrleans.Client.Experiments;

namespace ApexOrleans.Client.Tests.Experiments;

/// <summary>Recovery against the RTO, as the journal records and checks it.</summary>
public sealed class RecoveryPhaseTests
{
    private static readonly DateTimeOffset Reverted = new(2026, 1, 3, 7, 0, 10, TimeSpan.Zero);
    private static readonly TimeSpan Rto = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public void ARecoveryWithinTheRtoPasses()
    {
        var (record, check) = RecoveryPhase.Measured(Reverted, Reverted.AddSeconds(4.5), Rto, Limit, "");

        const string Text = "recovered 4.5 s after the last fault was reverted (RTO 5 s)";
        Assert.Equal(new RecoveryRecord(Reverted, Reverted.AddSeconds(4.5), 4.5, 5, true, Text), record);
        Assert.Equal(new ProbeCheck("recovery", "recovery-time", "recovery-time", "≤ 5 s (RTO)", 4.5, true, Text), check);
    }

    [Fact]
    public void ARecoveryBeyondTheRtoFailsThoughItCame()
    {
        var (record, check) = RecoveryPhase.Measured(Reverted, Reverted.AddSeconds(5.001), Rto, Limit, "");

        Assert.Equal((5.001, false), (record.Seconds, record.WithinRto));
        Assert.False(check.Passed);
    }

    [Fact]
    public void ARecoveryThatNeverCameSaysWhatWasStillBroken()
    {
        var (record, check) = RecoveryPhase.Measured(Reverted, null, Rto, Limit, "error-rate = 0.3; 2 tenant(s) not settled");

        Assert.Equal((null, false), (record.Seconds, record.WithinRto));
        Assert.Equal("not recovered 20 s after the last fault was reverted: error-rate = 0.3; 2 tenant(s) not settled", check.Detail);
        Assert.Null(check.Value);
    }
}
