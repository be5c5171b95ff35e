using ApexOrleans.Client.Experiments;

namespace ApexOrleans.Client.Tests.Experiments;

/// <summary>The run's transition table: which phase follows which, and what the journal calls them.</summary>
public sealed class ExperimentPhaseTests
{
    public static TheoryData<bool, bool, bool> EveryEnd()
    {
        var ends = new TheoryData<bool, bool, bool>();
        foreach (var halted in new[] { false, true })
        {
            foreach (var held in new[] { false, true })
            {
                foreach (var reverted in new[] { false, true })
                {
                    ends.Add(halted, held, reverted);
                }
            }
        }

        return ends;
    }

    [Fact]
    public void AHeldSteadyStateLeadsToTheMethodThenRecoveryThenTheSteadyStateAgain()
    {
        var path = Walk(new PhaseEnd(Halted: false, ChecksHeld: true, FaultReverted: true));

        Assert.Equal([ExperimentPhase.Before, ExperimentPhase.Method, ExperimentPhase.Recovery, ExperimentPhase.After, ExperimentPhase.Settle], path.Select(p => p.Phase));
        Assert.All(path, p => Assert.Null(p.Note));
    }

    [Fact]
    public void ASteadyStateThatDoesNotHoldBeforeSkipsTheMethodAndSaysWhy()
    {
        var next = ExperimentPhases.Next(ExperimentPhase.Before, new PhaseEnd(Halted: false, ChecksHeld: false, FaultReverted: false));

        Assert.Equal(new PhaseTransition(ExperimentPhase.After, "the steady state did not hold before the method: no fault was injected"), next);
    }

    [Fact]
    public void AHaltBeforeTheMethodSkipsItWithoutBlamingTheSteadyState()
    {
        var next = ExperimentPhases.Next(ExperimentPhase.Before, new PhaseEnd(Halted: true, ChecksHeld: true, FaultReverted: false));

        Assert.Equal(new PhaseTransition(ExperimentPhase.After), next);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RecoveryIsMeasuredOnlyWhenTheMethodRevertedAFault(bool halted)
    {
        var reverted = ExperimentPhases.Next(ExperimentPhase.Method, new PhaseEnd(halted, ChecksHeld: false, FaultReverted: true));
        var neverOn = ExperimentPhases.Next(ExperimentPhase.Method, new PhaseEnd(halted, ChecksHeld: false, FaultReverted: false));

        Assert.Equal(ExperimentPhase.Recovery, reverted.To);
        Assert.Equal(ExperimentPhase.After, neverOn.To);
    }

    [Theory]
    [MemberData(nameof(EveryEnd))]
    public void EveryPathWatchesTheSteadyStateAgainBeforeItSettles(bool halted, bool held, bool reverted)
    {
        var path = Walk(new PhaseEnd(halted, held, reverted)).Select(p => p.Phase).ToList();

        Assert.Equal(ExperimentPhase.Before, path[0]);
        Assert.Equal([ExperimentPhase.After, ExperimentPhase.Settle], path[^2..]);
        Assert.Equal(path.Count, path.Distinct().Count());
        Assert.Equal(path.Order(), path); // phases only go forward
    }

    [Fact]
    public void NoPhaseFollowsSettling()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ExperimentPhases.Next(ExperimentPhase.Settle, default));
    }

    [Fact]
    public void SamplesAndChecksNameThePhasesAsTheJournalAlwaysHas()
    {
        Assert.Equal(
            ["setup", "before", "method", "recovery", "after", "settle"],
            Enum.GetValues<ExperimentPhase>().Select(p => p.Name()));
        Assert.Equal(
            ["before", "during", "recovery", "after", "end"],
            new[] { ExperimentPhase.Before, ExperimentPhase.Method, ExperimentPhase.Recovery, ExperimentPhase.After, ExperimentPhase.Settle }.Select(p => p.CheckName()));
    }

    /// <summary>The phases a run goes through when every phase ends as <paramref name="end"/> says, with the notes on the way.</summary>
    private static List<(ExperimentPhase Phase, string? Note)> Walk(PhaseEnd end)
    {
        var path = new List<(ExperimentPhase, string?)> { (ExperimentPhases.First, null) };
        for (var phase = ExperimentPhases.First; phase != ExperimentPhase.Settle && path.Count < 10;)
        {
            var next = ExperimentPhases.Next(phase, end);
            path.Add((next.To, next.Note));
            phase = next.To;
        }

        return path;
    }
}
