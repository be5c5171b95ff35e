namespace ApexOrleans.Runtime.Tests.Grains;

public interface ITurnProbeGrain : IGrainWithStringKey
{
    /// <summary>Marks a turn as running, yields several times, and returns a counter incremented without any lock.</summary>
    Task<int> WorkAsync();

    [AlwaysInterleave]
    Task<int> PeekAsync();

    /// <summary>Waits until <paramref name="release"/> completes; lets a test hold a turn open.</summary>
    Task HoldAsync(Task release);
}

/// <summary>Not reentrant: turns must never overlap.</summary>
public sealed class TurnProbeGrain(GrainObserver observer) : Grain, ITurnProbeGrain
{
    private int _unsafeCounter;

    public async Task<int> WorkAsync()
    {
        using (observer.Enter($"turns:{GrainId}"))
        {
            var read = _unsafeCounter;
            for (var i = 0; i < 3; i++)
            {
                await Task.Yield();
            }

            _unsafeCounter = read + 1;
            return _unsafeCounter;
        }
    }

    public Task<int> PeekAsync() => Task.FromResult(_unsafeCounter);

    public async Task HoldAsync(Task release)
    {
        using (observer.Enter($"turns:{GrainId}"))
        {
            await release;
        }
    }
}

public interface IReentrantProbeGrain : IGrainWithStringKey
{
    Task HoldAsync(Task release);
}

[Reentrant]
public sealed class ReentrantProbeGrain(GrainObserver observer) : Grain, IReentrantProbeGrain
{
    public async Task HoldAsync(Task release)
    {
        using (observer.Enter($"turns:{GrainId}"))
        {
            await release;
        }
    }
}

public interface IPingGrain : IGrainWithStringKey
{
    Task<string> PingAsync();

    /// <summary>Asks <paramref name="other"/> to call back into this grain: a cycle that deadlocks a non-reentrant grain.</summary>
    Task<string> CallThroughAsync(string other);

    Task<string> CallBackAsync(string caller);
}

public sealed class PingGrain : Grain, IPingGrain
{
    public Task<string> PingAsync() => Task.FromResult($"pong from {GetPrimaryKeyString()}");

    public Task<string> CallThroughAsync(string other) => GrainFactory.GetGrain<IPingGrain>(other).CallBackAsync(GetPrimaryKeyString());

    public Task<string> CallBackAsync(string caller) => GrainFactory.GetGrain<IPingGrain>(caller).PingAsync();
}
