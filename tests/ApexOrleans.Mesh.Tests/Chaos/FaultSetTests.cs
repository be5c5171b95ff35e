using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Grains.Chaos;

namespace ApexOrleans.Mesh.Tests.Chaos;

/// <summary>The fault set's rules, without a silo: versions only grow, ids never come back, and a silo never takes an older set.</summary>
public sealed class FaultSetTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
    private static readonly FaultRequest Outage = new() { Kind = InjectedFaultKinds.AppOutage, App = "trutalk", Owner = "a" };
    private static readonly FaultRequest StorageOutage = new() { Kind = InjectedFaultKinds.StorageOutage, Owner = "b" };

    [Fact]
    public void EveryChangeIsANewVersionAndRevertingNothingIsNone()
    {
        var one = FaultSet.Empty.Inject(Outage, At, out var fault);
        Assert.Equal(1, one.Version);
        Assert.Equal("fault-1", fault.Id);

        var same = one.Revert(f => f.Id == "fault-9", out var none);
        Assert.Empty(none);
        Assert.Same(one, same);

        var empty = one.Revert(f => f.Id == fault.Id, out var reverted);
        Assert.Equal(2, empty.Version);
        Assert.Equal(fault, Assert.Single(reverted));
        Assert.Empty(empty.Active);
    }

    [Fact]
    public void AnIdIsNeverGivenTwiceSoRevertingAnOldIdCannotHitANewerFault()
    {
        var set = FaultSet.Empty.Inject(Outage, At, out var first).Revert(f => f.Id == first.Id, out _).Inject(Outage, At, out var second);

        Assert.NotEqual(first.Id, second.Id);
        Assert.Same(set, set.Revert(f => f.Id == first.Id, out _));
    }

    [Fact]
    public void TheKillSwitchOfOneOwnerLeavesTheOthersFaults()
    {
        var set = FaultSet.Empty.Inject(Outage, At, out _).Inject(StorageOutage, At, out _);
        Assert.True(set.StorageDown);

        var after = set.Revert(f => f.Request.Owner == "b", out var reverted);

        Assert.Equal(InjectedFaultKinds.StorageOutage, Assert.Single(reverted).Request.Kind);
        Assert.False(after.StorageDown);
        Assert.Equal("a", Assert.Single(after.Active).Request.Owner);
    }

    [Fact]
    public void ABadRequestThrowsAndChangesNothing()
    {
        var set = FaultSet.Empty.Inject(Outage, At, out _);

        Assert.Throws<ArgumentException>(() => set.Inject(new FaultRequest { Kind = InjectedFaultKinds.AppOutage }, At, out _));
        Assert.Equal(1, set.Version);
    }

    [Fact]
    public void ASwitchboardTakesOnlyNewerSetsSoALateCopyCannotBringAFaultBack()
    {
        var board = new FaultSwitchboard();
        var on = FaultSet.Empty.Inject(StorageOutage, At, out _);
        var off = on.Revert(_ => true, out _);

        Assert.True(board.Apply(on));
        Assert.True(board.StorageDown);
        Assert.True(board.Apply(off));
        Assert.False(board.Apply(on)); // the copy sent before the revert arrives late

        Assert.False(board.StorageDown);
        Assert.Empty(board.Active);
        Assert.Null(board.Decide("t", "trutalk"));
    }
}
