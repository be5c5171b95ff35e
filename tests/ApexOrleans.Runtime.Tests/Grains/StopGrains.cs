namespace ApexOrleans.Runtime.Tests.Grains;

public interface ISelfCallingOnDeactivateGrain : IGrainWithStringKey
{
    Task PingAsync();

    Task DeactivateSoonAsync();
}

/// <summary>Calls itself from OnDeactivateAsync: a call cycle through a deactivating activation.</summary>
public sealed class SelfCallingOnDeactivateGrain(GrainObserver observer) : Grain, ISelfCallingOnDeactivateGrain
{
    public Task PingAsync() => Task.CompletedTask;

    public Task DeactivateSoonAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await GrainFactory.GetGrain<ISelfCallingOnDeactivateGrain>(GetPrimaryKeyString()).PingAsync();
            observer.Increment("ondeactivate-self-call:answered");
        }
        catch (TimeoutException)
        {
            observer.Increment("ondeactivate-self-call:timeout");
        }
    }
}

public interface IForwarderGrain : IGrainWithStringKey
{
    /// <summary>Waits for <paramref name="gate"/>, then calls a grain that is not active yet.</summary>
    Task<Guid> CallAfterAsync(Task gate);
}

public sealed class ForwarderGrain : Grain, IForwarderGrain
{
    public async Task<Guid> CallAfterAsync(Task gate)
    {
        await gate;
        return await GrainFactory.GetGrain<IConstructionCountingGrain>("made-during-stop").ActivationIdAsync();
    }
}
