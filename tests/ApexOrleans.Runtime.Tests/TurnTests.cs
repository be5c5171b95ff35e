using ApexOrleans.Runtime.Hosting;
using ApexOrleans.Runtime.Tests.Grains;

namespace ApexOrleans.Runtime.Tests;

public sealed class TurnTests
{
    [Fact]
    public async Task ConcurrentCallsToOneActivationNeverOverlap()
    {
        await using var silo = await RuntimeSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ITurnProbeGrain>("serial");

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => Task.Run(() => grain.WorkAsync())));

        // The grain reads, yields three times, then writes without a lock: any overlap loses an update.
        Assert.Equal(1, silo.Observer.MaxConcurrent("turns:turnprobe/serial"));
        Assert.Equal(Enumerable.Range(1, 300), results.Order());
    }

    [Fact]
    public async Task ACallWaitsForTheOpenTurnToFinish()
    {
        await using var silo = await RuntimeSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ITurnProbeGrain>("held");
        var release = new TaskCompletionSource();
        var holding = grain.HoldAsync(release.Task);
        await Eventually.HoldsAsync(() => silo.Observer.MaxConcurrent("turns:turnprobe/held") == 1, "the holding turn started");

        var waiting = grain.WorkAsync();
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted, "a second turn ran while the first was still open");

        release.SetResult();
        await holding;
        Assert.Equal(1, await waiting);
        Assert.Equal(1, silo.Observer.MaxConcurrent("turns:turnprobe/held"));
    }

    [Fact]
    public async Task ACallThatTimedOutWaitingForItsTurnIsNeverRunLater()
    {
        await using var silo = await RuntimeSilo.StartAsync(configure: s =>
            s.Configure<GrainRuntimeOptions>(o => o.ResponseTimeout = TimeSpan.FromMilliseconds(400)));
        var grain = silo.Grains.GetGrain<ITurnProbeGrain>("expired");
        var release = new TaskCompletionSource();
        var holding = grain.HoldAsync(release.Task);
        await Eventually.HoldsAsync(() => silo.Observer.MaxConcurrent("turns:turnprobe/expired") == 1, "the holding turn started");

        // Its caller gets the timeout; the grain must not do the work afterwards behind the caller's back.
        await Assert.ThrowsAsync<TimeoutException>(() => grain.WorkAsync());
        release.SetResult();
        await holding.ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.Equal(1, await grain.WorkAsync());
    }

    [Fact]
    public async Task AlwaysInterleaveMethodRunsWhileATurnIsOpen()
    {
        await using var silo = await RuntimeSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ITurnProbeGrain>("peek");
        await grain.WorkAsync();
        var release = new TaskCompletionSource();
        var holding = grain.HoldAsync(release.Task);

        Assert.Equal(1, await grain.PeekAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.False(holding.IsCompleted);
        release.SetResult();
        await holding;
    }

    [Fact]
    public async Task ReentrantGrainInterleavesItsTurns()
    {
        await using var silo = await RuntimeSilo.StartAsync();
        var grain = silo.Grains.GetGrain<IReentrantProbeGrain>("r");
        var release = new TaskCompletionSource();

        var first = grain.HoldAsync(release.Task);
        var second = grain.HoldAsync(release.Task);
        await Eventually.HoldsAsync(() => silo.Observer.MaxConcurrent("turns:reentrantprobe/r") == 2, "both reentrant turns are open at once");

        release.SetResult();
        await Task.WhenAll(first, second);
    }

    [Fact]
    public async Task DifferentGrainsRunInParallel()
    {
        await using var silo = await RuntimeSilo.StartAsync();
        var release = new TaskCompletionSource();
        var holding = silo.Grains.GetGrain<ITurnProbeGrain>("a").HoldAsync(release.Task);

        Assert.Equal(1, await silo.Grains.GetGrain<ITurnProbeGrain>("b").WorkAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        release.SetResult();
        await holding;
    }

    [Fact]
    public async Task CallCycleThroughANonReentrantGrainTimesOutWithAnExplanation()
    {
        await using var silo = await RuntimeSilo.StartAsync(configure: s =>
            s.Configure<GrainRuntimeOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(1)));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => silo.Grains.GetGrain<IPingGrain>("a").CallThroughAsync("b"));

        Assert.Contains("[Reentrant]", error.Message);
        Assert.Equal("pong from a", await Eventually.AnswersAsync(() => silo.Grains.GetGrain<IPingGrain>("a").PingAsync()));
    }

    [Fact]
    public async Task CallCycleThroughADeactivatingActivationTimesOutInsteadOfHanging()
    {
        await using var silo = await RuntimeSilo.StartAsync(configure: s =>
            s.Configure<GrainRuntimeOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(1)));
        var grain = silo.Grains.GetGrain<ISelfCallingOnDeactivateGrain>("cycle");
        await grain.DeactivateSoonAsync();

        // An outside caller arriving now waits on the same stuck deactivation, within its own response timeout.
        var outside = grain.PingAsync();
        await Eventually.HoldsAsync(() => outside.IsCompleted, "the outside call ended", TimeSpan.FromSeconds(10));

        await Eventually.HoldsAsync(() => silo.Observer.Count("ondeactivate-self-call:timeout") == 1, "the self-call timed out");
        await Eventually.AnswersAsync(async () => { await grain.PingAsync(); return true; });
    }
}
