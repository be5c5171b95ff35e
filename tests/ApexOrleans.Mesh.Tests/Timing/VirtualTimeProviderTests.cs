using ApexOrleans.Grains.Timing;

namespace ApexOrleans.Mesh.Tests.Timing;

public sealed class VirtualTimeProviderTests
{
    [Fact]
    public async Task DelaysCompleteOnlyWhenTheClockPassesThemInOrder()
    {
        var clock = new VirtualTimeProvider(new DateTimeOffset(2026, 1, 3, 7, 0, 0, TimeSpan.Zero));
        var fired = new List<string>();
        var late = Task.Delay(TimeSpan.FromSeconds(30), clock).ContinueWith(_ => { lock (fired) fired.Add("30s"); }, TaskContinuationOptions.ExecuteSynchronously);
        var early = Task.Delay(TimeSpan.FromMilliseconds(500), clock).ContinueWith(_ => { lock (fired) fired.Add("500ms"); }, TaskContinuationOptions.ExecuteSynchronously);

        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Empty(fired);

        clock.Advance(TimeSpan.FromSeconds(40));
        await Task.WhenAll(early, late);
        Assert.Equal(["500ms", "30s"], fired);
        Assert.Equal(new DateTimeOffset(2026, 1, 3, 7, 0, 40, 499, TimeSpan.Zero), clock.GetUtcNow());
    }

    [Fact]
    public void PeriodicTimersFireOncePerPeriodPassedAndStopWhenDisposed()
    {
        var clock = new VirtualTimeProvider();
        var ticks = 0;
        var timer = clock.CreateTimer(_ => Interlocked.Increment(ref ticks), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        clock.Advance(TimeSpan.FromMinutes(3.5));
        Assert.Equal(3, ticks);

        timer.Dispose();
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(3, ticks);
        Assert.Null(clock.NextDue);
    }

    [Fact]
    public async Task TimeoutsFireOnTheVirtualClockNotTheWallClock()
    {
        var clock = new VirtualTimeProvider();
        var never = new TaskCompletionSource();
        var waiting = never.Task.WaitAsync(TimeSpan.FromSeconds(30), clock);

        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        Assert.True(clock.AdvanceToNextTimer());
        await Assert.ThrowsAsync<TimeoutException>(() => waiting);
        Assert.Equal(TimeSpan.FromSeconds(30), clock.GetElapsedTime(0));
    }

    [Fact]
    public async Task AZeroDueTimerCreatedWhileAdvancingFiresInDueOrder()
    {
        var clock = new VirtualTimeProvider();
        var start = clock.GetUtcNow();
        var order = new List<string>();
        void Note(string what)
        {
            lock (order)
            {
                order.Add($"{what}@{(clock.GetUtcNow() - start).TotalSeconds}");
            }
        }

        using var later = clock.CreateTimer(_ => Note("later"), null, TimeSpan.FromSeconds(20), Timeout.InfiniteTimeSpan);
        ITimer? zero = null;
        using var first = clock.CreateTimer(_ =>
        {
            Note("first");
            zero = clock.CreateTimer(_ => Note("zero"), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }, null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(30));
        await Task.Delay(50);

        Assert.Equal(["first@10", "zero@10", "later@20"], order);
        zero?.Dispose();
    }
}
