using ApexOrleans.Client.Evidence;

namespace ApexOrleans.Client.Tests;

public sealed class InjectedFaultOutcomeTests
{
    private static AttemptLine Attempt(string fault, bool succeeded, string? error) =>
        new(1, DateTimeOffset.UnixEpoch, fault, succeeded, Probe: false, error, succeeded ? "Applied" : null, 0.5, Sequence: 1);

    [Fact]
    public void AnInjectedDuplicateOrLostResponseThatTookEffectMustShowARefusal()
    {
        Assert.True(EffectCount.ReachedTargetTwice(Attempt("Duplicate", succeeded: true, error: null)));
        Assert.True(EffectCount.ReachedTargetTwice(Attempt("ResponseLost", succeeded: false, error: "ResponseLost: hashed 0.03 < 0.05")));
        Assert.False(EffectCount.Preempted(Attempt("ResponseLost", succeeded: false, error: "ResponseLost: hashed 0.03 < 0.05")));
    }

    [Fact]
    public void AnInjectionThatAStorageFailureCameBeforeNeverReachedTheTargetTwice()
    {
        var duplicate = Attempt("Duplicate", succeeded: false, error: "NpgsqlException: Exception while reading from stream");
        var lost = Attempt("ResponseLost", succeeded: false, error: "NpgsqlException: Exception while reading from stream");

        Assert.All([duplicate, lost], a => Assert.False(EffectCount.ReachedTargetTwice(a)));
        Assert.All([duplicate, lost], a => Assert.True(EffectCount.Preempted(a)));
        // A failed duplicate with no error of its own is not a preemption: the evidence would be inconsistent.
        Assert.False(EffectCount.Preempted(Attempt("Duplicate", succeeded: false, error: null)));
    }
}
