namespace ApexOrleans.Runtime.Tests.Grains;

public sealed class LifecycleCounter
{
    public int Value { get; set; }
}

public interface ILifecycleGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();

    Task<int> GetAsync();

    /// <summary>An identity that lives until this activation is collected.</summary>
    Task<Guid> ActivationIdAsync();

    Task DeactivateSoonAsync();
}

/// <summary>Records every construction, activation and deactivation, and how many activations of one identity are live at once.</summary>
public sealed class LifecycleGrain(GrainObserver observer, [PersistentState("counter")] IPersistentState<LifecycleCounter> counter)
    : Grain, ILifecycleGrain
{
    private readonly Guid _activationId = Guid.NewGuid();
    private IDisposable? _live;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        observer.Increment($"activated:{GrainId}");
        observer.Increment($"loaded-value:{counter.State.Value}");
        _live = observer.Enter($"live:{GrainId}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        observer.Increment($"deactivated:{GrainId}:{reason.Code}");
        _live?.Dispose();
        return Task.CompletedTask;
    }

    public async Task<int> IncrementAsync()
    {
        counter.State.Value++;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(counter.State.Value);

    public Task<Guid> ActivationIdAsync() => Task.FromResult(_activationId);

    public Task DeactivateSoonAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

public interface IConstructionCountingGrain : IGrainWithStringKey
{
    Task<Guid> ActivationIdAsync();
}

public sealed class ConstructionCountingGrain : Grain, IConstructionCountingGrain
{
    private readonly Guid _activationId = Guid.NewGuid();
    private readonly GrainObserver _observer;

    public ConstructionCountingGrain(GrainObserver observer)
    {
        _observer = observer;
        observer.Increment($"constructed:{GrainId}");
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A slow activation widens the window in which racing callers could create a second one.
        await Task.Delay(20, cancellationToken);
        _observer.Increment($"activated:{GrainId}");
    }

    public Task<Guid> ActivationIdAsync() => Task.FromResult(_activationId);
}

[CollectionAgeLimit(Seconds = 5)]
public sealed class ShortLivedGrain : Grain, IShortLivedGrain
{
    public Task<string> KeyAsync() => Task.FromResult(GetPrimaryKeyString());
}

public interface IShortLivedGrain : IGrainWithStringKey
{
    Task<string> KeyAsync();
}
