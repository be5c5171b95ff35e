using ApexOrleans.Runtime.Activation;

namespace ApexOrleans.Runtime;

/// <summary>
/// Base class of every grain. The runtime creates instances (never <c>new</c> them); one activation
/// per identity runs one call at a time unless the class is <see cref="ReentrantAttribute">reentrant</see>.
/// </summary>
public abstract class Grain
{
    private readonly GrainActivation _activation;

    /// <summary>Binds the new instance to the activation the runtime is constructing.</summary>
    protected Grain()
    {
        _activation = GrainActivation.Constructing
            ?? throw new InvalidOperationException(
                $"{GetType().Name} is a grain: the runtime creates it. Use IGrainFactory.GetGrain<T>(key) to reach it.");
    }

    /// <summary>This grain's identity.</summary>
    public GrainId GrainId => _activation.GrainId;

    /// <summary>The string key of this grain (Orleans: <c>this.GetPrimaryKeyString()</c>).</summary>
    public string GetPrimaryKeyString() => _activation.GrainId.Key;

    /// <summary>The factory for references to other grains.</summary>
    protected IGrainFactory GrainFactory => _activation.Runtime.GrainFactory;

    /// <summary>The silo's services.</summary>
    protected IServiceProvider ServiceProvider => _activation.Runtime.Services;

    /// <summary>Called once per activation, after persistent state is loaded and before the first call runs.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once when the activation is deactivated, after its last turn has finished.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once its current and queued turns have finished.</summary>
    protected void DeactivateOnIdle() =>
        _activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle was called."));
}
