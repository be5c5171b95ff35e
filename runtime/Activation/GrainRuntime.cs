using System.Collections.Concurrent;
using ApexOrleans.Runtime.Hosting;
using ApexOrleans.Runtime.Invocation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApexOrleans.Runtime.Activation;

/// <summary>
/// The silo's activation directory and call dispatch: finds or creates the one activation of an identity
/// and hands it the call, retrying on the next activation when the current one is deactivating.
/// </summary>
internal sealed class GrainRuntime
{
    private readonly ConcurrentDictionary<GrainId, GrainActivation> _activations = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TimeSpan _responseTimeout;
    private volatile bool _accepting;

    public GrainRuntime(IServiceProvider services, GrainClassRegistry registry, TimeProvider timeProvider,
        IOptions<GrainRuntimeOptions> options, ILogger<GrainRuntime> logger)
    {
        Services = services;
        TimeProvider = timeProvider;
        Logger = logger;
        _responseTimeout = options.Value.ResponseTimeout;
        GrainFactory = new GrainFactory(this, registry);
    }

    public IServiceProvider Services { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public IGrainFactory GrainFactory { get; }

    public CancellationToken ShutdownToken => _shutdown.Token;

    public int ActivationCount => _activations.Count;

    public ICollection<GrainActivation> Activations => _activations.Values;

    public void Start() => _accepting = true;

    public Task<TResult> InvokeAsync<TResult>(GrainId grainId, GrainClass grainClass, GrainMethod<TResult> method, object?[] arguments)
    {
        if (!_accepting)
        {
            return Task.FromException<TResult>(Unavailable(grainId));
        }

        var call = new GrainCall<TResult>(method, arguments, grainClass.IsReentrant || method.AlwaysInterleave);
        return TryDispatch(grainId, grainClass, call, out var deactivating)
            ? WithResponseTimeout(grainId, call)
            : DispatchAfterAsync(deactivating, grainId, grainClass, call);
    }

    /// <summary>Deactivates every activation, again for any created meanwhile by in-flight turns, then refuses calls.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _shutdown.Cancel();
        var reason = new DeactivationReason(DeactivationReasonCode.ShuttingDown, "The silo is stopping.");
        while (!_activations.IsEmpty && !cancellationToken.IsCancellationRequested)
        {
            await Task.WhenAll(_activations.Values.Select(a => a.DeactivateAsync(reason))).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        _accepting = false;
    }

    public void Remove(GrainActivation activation) =>
        _activations.TryRemove(KeyValuePair.Create(activation.GrainId, activation));

    private bool TryDispatch(GrainId grainId, GrainClass grainClass, GrainCall call, out Task deactivating)
    {
        var activation = _activations.GetOrAdd(grainId, static (id, s) => new GrainActivation(s.Runtime, id, s.Class), (Runtime: this, Class: grainClass));
        return activation.TryAccept(call, out deactivating);
    }

    private async Task<TResult> DispatchAfterAsync<TResult>(Task deactivating, GrainId grainId, GrainClass grainClass, GrainCall<TResult> call)
    {
        do
        {
            await deactivating.ConfigureAwait(false);
            if (!_accepting)
            {
                throw Unavailable(grainId);
            }
        }
        while (!TryDispatch(grainId, grainClass, call, out deactivating));

        return await WithResponseTimeout(grainId, call).ConfigureAwait(false);
    }

    private static SiloUnavailableException Unavailable(GrainId grainId) =>
        new($"Cannot call {grainId}: the silo is not running (not started yet, or stopped).");

    private Task<TResult> WithResponseTimeout<TResult>(GrainId grainId, GrainCall<TResult> call)
    {
        var completion = call.Completion;
        return completion.IsCompleted || _responseTimeout == Timeout.InfiniteTimeSpan
            ? completion
            : AwaitWithTimeoutAsync(grainId, call);
    }

    private async Task<TResult> AwaitWithTimeoutAsync<TResult>(GrainId grainId, GrainCall<TResult> call)
    {
        try
        {
            return await call.Completion.WaitAsync(_responseTimeout, TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!call.Completion.IsCompleted)
        {
            throw new TimeoutException(
                $"{call.Method.Name} on {grainId} did not answer within {_responseTimeout}. A non-reentrant grain whose call " +
                "chain comes back to itself waits for itself until this timeout; mark the grain [Reentrant] or the method " +
                "[AlwaysInterleave] only where that interleaving is safe.");
        }
    }
}
