using ApexOrleans.Runtime.Hosting;
using ApexOrleans.Runtime.Tests.Grains;
using ApexOrleans.Runtime.Timing;

namespace ApexOrleans.Runtime.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task IdleActivationIsCollectedOnTheClockAndComesBackWithItsState()
    {
        var clock = new VirtualTimeProvider();
        await using var silo = await RuntimeSilo.StartAsync(clock: clock);
        var grain = silo.Grains.GetGrain<ILifecycleGrain>("idle");
        for (var i = 0; i < 3; i++)
        {
            await grain.IncrementAsync();
        }

        var firstActivation = await grain.ActivationIdAsync();

        clock.Advance(TimeSpan.FromMinutes(14));
        await Task.Delay(50);
        Assert.Equal(1, silo.Cluster.Silo.ActivationCount);

        // Default collection age (15 min) passes; the next quantum tick collects it.
        clock.Advance(TimeSpan.FromMinutes(2));
        await Eventually.HoldsAsync(() => silo.Cluster.Silo.ActivationCount == 0, "the idle activation was collected");

        Assert.Equal(1, silo.Observer.Count("deactivated:lifecycle/idle:ActivationIdle"));
        Assert.Equal(3, await grain.GetAsync());
        Assert.NotEqual(firstActivation, await grain.ActivationIdAsync());
        Assert.Equal(2, silo.Observer.Count("activated:lifecycle/idle"));
        Assert.Equal(1, silo.Observer.Count("loaded-value:3"));
    }

    [Fact]
    public async Task RecentlyCalledActivationIsNotCollected()
    {
        var clock = new VirtualTimeProvider();
        await using var silo = await RuntimeSilo.StartAsync(clock: clock);
        var grain = silo.Grains.GetGrain<ILifecycleGrain>("busy");
        var activation = await grain.ActivationIdAsync();

        clock.Advance(TimeSpan.FromMinutes(10));
        await grain.GetAsync();
        clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(0, await silo.Cluster.Silo.CollectIdleActivationsAsync());
        Assert.Equal(activation, await grain.ActivationIdAsync());
    }

    [Fact]
    public async Task ActivationWithATurnInFlightIsNeverCollected()
    {
        var clock = new VirtualTimeProvider();
        await using var silo = await RuntimeSilo.StartAsync(clock: clock);
        var grain = silo.Grains.GetGrain<ITurnProbeGrain>("open");
        var release = new TaskCompletionSource();
        var holding = grain.HoldAsync(release.Task);
        await Eventually.HoldsAsync(() => silo.Observer.MaxConcurrent("turns:turnprobe/open") == 1, "the turn is open");

        clock.Advance(TimeSpan.FromHours(1));

        // The caller gave up after the response timeout, but the turn is still running: it must not be collected.
        await Assert.ThrowsAsync<TimeoutException>(() => holding);
        Assert.Equal(0, await silo.Cluster.Silo.CollectIdleActivationsAsync(TimeSpan.Zero));
        release.SetResult();
        Assert.Equal(1, await grain.WorkAsync());
        Assert.Equal(1, silo.Cluster.Silo.ActivationCount);
    }

    [Fact]
    public async Task CollectionAgeLimitAttributeOverridesTheDefault()
    {
        var clock = new VirtualTimeProvider();
        await using var silo = await RuntimeSilo.StartAsync(clock: clock);
        await silo.Grains.GetGrain<IShortLivedGrain>("s").KeyAsync();
        await silo.Grains.GetGrain<ILifecycleGrain>("l").GetAsync();

        clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(1, await silo.Cluster.Silo.CollectIdleActivationsAsync());
        Assert.Equal(1, silo.Cluster.Silo.ActivationCount);
    }

    [Fact]
    public async Task DeactivateOnIdleDeactivatesAfterTheTurnAndTheNextCallReactivates()
    {
        await using var silo = await RuntimeSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ILifecycleGrain>("asked");
        await grain.IncrementAsync();
        var first = await grain.ActivationIdAsync();

        await grain.DeactivateSoonAsync();
        await Eventually.HoldsAsync(() => silo.Observer.Count("deactivated:lifecycle/asked:ApplicationRequested") == 1, "deactivated on request");

        Assert.NotEqual(first, await grain.ActivationIdAsync());
        Assert.Equal(1, await grain.GetAsync());
    }

    [Fact]
    public async Task CollectionRacingCallsNeverLeavesTwoLiveActivationsNorLosesAWrite()
    {
        await using var silo = await RuntimeSilo.StartAsync();
        var grain = silo.Grains.GetGrain<ILifecycleGrain>("raced");
        using var stop = new CancellationTokenSource();
        var collector = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await silo.Cluster.Silo.CollectIdleActivationsAsync(TimeSpan.Zero);
            }
        });

        // Waves of concurrent calls race the collector loop; a collection between waves makes sure every
        // wave starts on a fresh activation, so the race is exercised every time, not by luck.
        var results = new List<int>();
        for (var wave = 0; wave < 40; wave++)
        {
            results.AddRange(await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => grain.IncrementAsync()))));
            await silo.Cluster.Silo.CollectIdleActivationsAsync(TimeSpan.Zero);
        }

        await stop.CancelAsync();
        await collector;

        Assert.True(silo.Observer.Count("activated:lifecycle/raced") >= 40, "the grain was not reactivated for every wave");
        Assert.Equal(1, silo.Observer.MaxConcurrent("live:lifecycle/raced"));
        Assert.Equal(Enumerable.Range(1, 400), results.Order());
        Assert.Equal(400, await grain.GetAsync());
    }

    [Fact]
    public async Task StoppingTheSiloLetsTheOpenTurnFinishThenDeactivatesEverything()
    {
        var silo = await RuntimeSilo.StartAsync();
        var release = new TaskCompletionSource();
        var held = silo.Grains.GetGrain<ITurnProbeGrain>("closing");
        var holding = held.HoldAsync(release.Task);
        await silo.Grains.GetGrain<ILifecycleGrain>("one").IncrementAsync();
        await silo.Grains.GetGrain<ILifecycleGrain>("two").IncrementAsync();
        await Eventually.HoldsAsync(() => silo.Observer.MaxConcurrent("turns:turnprobe/closing") == 1, "the turn is open");

        var stopping = silo.Cluster.StopAsync();
        await Task.Delay(100);
        Assert.False(stopping.IsCompleted, "the silo stopped while a turn was still open");

        release.SetResult();
        await holding;
        await stopping;
        Assert.Equal(1, silo.Observer.Count("deactivated:lifecycle/one:ShuttingDown"));
        Assert.Equal(1, silo.Observer.Count("deactivated:lifecycle/two:ShuttingDown"));
    }

    [Fact]
    public async Task ATurnInFlightCanActivateAnotherGrainWhileTheSiloStops()
    {
        var silo = await RuntimeSilo.StartAsync();
        var gate = new TaskCompletionSource();
        var call = silo.Grains.GetGrain<IForwarderGrain>("f").CallAfterAsync(gate.Task);
        await Task.Delay(50);
        var stopping = silo.Cluster.StopAsync();
        await Task.Delay(50);

        gate.SetResult();

        await call;
        await stopping;
        Assert.Equal(1, silo.Observer.Count("activated:constructioncounting/made-during-stop"));
    }

    [Fact]
    public async Task NoActivationOutlivesAStopUnderSteadyTraffic()
    {
        for (var round = 0; round < 60; round++)
        {
            var silo = await RuntimeSilo.StartAsync();
            var siloHandle = silo.Cluster.Silo;
            var grains = silo.Grains;
            await grains.GetGrain<ILifecycleGrain>("x").GetAsync();
            using var stop = new CancellationTokenSource();
            var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await grains.GetGrain<ILifecycleGrain>("x").GetAsync();
                    }
                    catch (SiloUnavailableException)
                    {
                    }
                }
            })).ToArray();
            await Task.Delay(2);

            await silo.Cluster.StopAsync();
            await stop.CancelAsync();
            await Task.WhenAll(callers);

            var activated = silo.Observer.Count("activated:lifecycle/x");
            var deactivated = silo.Observer.Count("deactivated:lifecycle/x:ShuttingDown");
            Assert.True(siloHandle.ActivationCount == 0 && activated == deactivated,
                $"round {round}: {siloHandle.ActivationCount} activation(s) live after the stop; activated {activated}, deactivated {deactivated}");
        }
    }
}
