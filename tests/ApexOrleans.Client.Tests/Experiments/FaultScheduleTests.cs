using ApexOrleans.Client.Experiments;
using ApexOrleans.Contracts.Chaos;

namespace ApexOrleans.Client.Tests.Experiments;

/// <summary>The method's faults on their schedule: on at their start, off when their time is up, all off at once on a halt.</summary>
public sealed class FaultScheduleTests
{
    private static readonly DateTimeOffset Seven = new(2026, 1, 3, 7, 0, 0, TimeSpan.Zero);

    private static readonly FaultStep Outage = new(InjectedFaultKinds.AppOutage, "trutalk", null, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
    private static readonly FaultStep Burst = new(ExperimentFaultKinds.Burst, null, null, 10, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5));

    [Fact]
    public void AFaultIsDueOnAtItsStartAndOffWhenItsTimeIsUp()
    {
        var schedule = new FaultSchedule([Outage, Burst]);
        var outage = schedule.Faults[0];

        Assert.Empty(schedule.DueAt(TimeSpan.FromSeconds(0.9)));
        Assert.Equal([outage], schedule.DueAt(TimeSpan.FromSeconds(1)));
        outage.SwitchedOn("f-1", Seven.AddSeconds(1));
        Assert.Empty(schedule.DueAt(TimeSpan.FromSeconds(2)));
        Assert.Equal([outage, schedule.Faults[1]], schedule.DueAt(TimeSpan.FromSeconds(5)));
        Assert.Equal(["trutalk down"], schedule.OnNow);
    }

    [Fact]
    public void TheMethodIsOverOnlyOnceItsDurationHasPassedAndEveryFaultIsOff()
    {
        var schedule = new FaultSchedule([Outage]);
        var duration = TimeSpan.FromSeconds(6);
        schedule.Faults[0].SwitchedOn("f-1", Seven.AddSeconds(1));

        Assert.False(schedule.IsOver(TimeSpan.FromSeconds(7), duration), "over with a fault still on");
        schedule.Faults[0].SwitchedOff(FaultSchedule.BySchedule, Seven.AddSeconds(5));
        Assert.False(schedule.IsOver(TimeSpan.FromSeconds(5), duration), "over before its duration");
        Assert.True(schedule.IsOver(duration, duration));
        Assert.Equal(Seven.AddSeconds(5), schedule.LastRevert);
    }

    [Fact]
    public void ASafeguardTripRevertsEveryFaultBeforeRecovery()
    {
        var schedule = new FaultSchedule([Outage, Burst]);
        schedule.Faults[0].SwitchedOn("f-1", Seven.AddSeconds(1));
        var trippedAt = Seven.AddSeconds(2);

        schedule.AllOff(HaltSource.Safeguard.Name, trippedAt);
        var next = ExperimentPhases.Next(ExperimentPhase.Method, new PhaseEnd(Halted: true, ChecksHeld: false, FaultReverted: schedule.LastRevert is not null));

        Assert.All(schedule.Faults, f => Assert.Equal(FaultState.Done, f.State));
        Assert.False(schedule.AnyOn);
        Assert.Empty(schedule.DueAt(TimeSpan.FromHours(1)));
        Assert.Equal(
            [
                new InjectionRecord(InjectedFaultKinds.AppOutage, "trutalk down", "f-1", Seven.AddSeconds(1), trippedAt, "safeguard"),
                new InjectionRecord(ExperimentFaultKinds.Burst, "burst ×10 traffic", null, null, null, "never injected"),
            ],
            schedule.Injections());
        Assert.Equal(trippedAt, schedule.LastRevert);
        Assert.Equal(ExperimentPhase.Recovery, next.To); // recovery is measured from the moment every fault was off
    }

    [Fact]
    public void AHaltBeforeAnyFaultWentOnLeavesNothingToRecoverFrom()
    {
        var schedule = new FaultSchedule([Outage]);

        schedule.AllOff(HaltSource.HaltCommand.Name, Seven);

        Assert.Null(schedule.LastRevert);
        Assert.Equal("never injected", Assert.Single(schedule.Injections()).RevertedBy);
    }

    [Fact]
    public void AFaultTheSiloNoLongerHasWasSwitchedOffThere()
    {
        var schedule = new FaultSchedule([Outage, Burst]);
        schedule.Faults[0].SwitchedOn("f-1", Seven.AddSeconds(1));
        schedule.Faults[1].SwitchedOn(null, Seven.AddSeconds(3)); // a burst lives in the traffic: the silo never has it

        Assert.Null(schedule.SwitchedOffAtSilo(["f-0", "f-1"]));
        Assert.Same(schedule.Faults[0], schedule.SwitchedOffAtSilo(["f-0"]));
    }
}
