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
    private readonly TimeSpan _responseTimeout;
    private readonly ResponseTimeouts? _timeouts;
    private volatile bool _accepting;
    private int _dispatching; // callers between the _accepting check and TryAccept; StopAsync waits for them

    public GrainRuntime(IServiceProvider services, GrainClassRegistry registry, TimeProvider timeProvider,
        IOptions<GrainRuntimeOptions> options, ILogger<GrainRuntime> logger)
    {
        Services = services;
        TimeProvider = timeProvider;
        Logger = logger;
        _responseTimeout = options.Value.ResponseTimeout;
        _timeouts = _responseTimeout == Timeout.InfiniteTimeSpan ? null : new ResponseTimeouts(this, _responseTimeout);
        GrainFactory = new GrainFactory(this, registry);
    }

    public IServiceProvider Services { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public IGrainFactory GrainFactory { get; }

    public int ActivationCount => _activations.Count;

    /// <summary>The activation of <paramref name="grainId"/>, if it has one now.</summary>
    public bool TryGetActivation(GrainId grainId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GrainActivation? activation) =>
        _activations.TryGetValue(grainId, out activation);

    /// <summary>The activations, enumerated without locking or copying the directory (collection and timeout sweeps).</summary>
    public IEnumerable<GrainActivation> EnumerateActivations()
    {
        foreach (var entry in _activations)
        {
            yield return entry.Value;
        }
    }

    public void Start()
    {
        _timeouts?.Start();
        _accepting = true;
    }

    public Task<TResult> InvokeAsync<TResult>(GrainId grainId, GrainClass grainClass, GrainMethod<TResult> method, object?[] arguments)
    {
        // The response timeout counts from here; the sweep of ResponseTimeouts finds the call in its activation.
        var call = new GrainCall<TResult>(grainId, method, arguments, grainClass.IsReentrant || method.AlwaysInterleave) { Started = TimeProvider.GetTimestamp() };
        return TryDispatch(grainId, grainClass, call, out var deactivating) switch
        {
            Dispatch.Accepted => call.Completion,
            Dispatch.Unavailable => Task.FromException<TResult>(Unavailable(grainId)),
            _ => DispatchAfterAsync(deactivating, grainId, grainClass, call),
        };
    }

    /// <summary>
    /// Stops in two phases. First, while calls are still served, every activation is deactivated, so turns
    /// in flight finish even when they call other grains. Then calls are refused, callers already past the
    /// check are waited for, and whatever they activated is deactivated too: no activation outlives the stop.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var reason = new DeactivationReason(DeactivationReasonCode.ShuttingDown, "The silo is stopping.");
        try
        {
            await DeactivateAllAsync(reason).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _accepting = false;
            Interlocked.MemoryBarrier(); // the refusal must be visible before the dispatch count is read
            var spin = new SpinWait();
            while (Volatile.Read(ref _dispatching) > 0)
            {
                spin.SpinOnce();
            }
        }

        try
        {
            while (!_activations.IsEmpty)
            {
                await DeactivateAllAsync(reason).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _timeouts?.Stop();
        }
    }

    public void Remove(GrainActivation activation) =>
        _activations.TryRemove(KeyValuePair.Create(activation.GrainId, activation));

    private Task DeactivateAllAsync(DeactivationReason reason) =>
        Task.WhenAll(_activations.Values.Select(a => a.DeactivateAsync(reason)));

    private enum Dispatch { Accepted, Deactivating, Unavailable }

    private Dispatch TryDispatch(GrainId grainId, GrainClass grainClass, GrainCall call, out Task deactivating)
    {
        deactivating = Task.CompletedTask;
        Interlocked.Increment(ref _dispatching); // a full fence: pairs with StopAsync's barrier
        try
        {
            if (!_accepting)
            {
                return Dispatch.Unavailable;
            }

            var activation = _activations.GetOrAdd(grainId, static (id, s) => new GrainActivation(s.Runtime, id, s.Class), (Runtime: this, Class: grainClass));
            return activation.TryAccept(call, out deactivating) ? Dispatch.Accepted : Dispatch.Deactivating;
        }
        finally
        {
            Interlocked.Decrement(ref _dispatching);
        }
    }

    private async Task<TResult> DispatchAfterAsync<TResult>(Task deactivating, GrainId grainId, GrainClass grainClass, GrainCall<TResult> call)
    {
        // The wait for a deactivating activation counts against the response timeout: a deactivation that
        // calls back into its own grain must end in a TimeoutException, not hang.
        Dispatch dispatch;
        do
        {
            await WithinResponseTimeout(deactivating, grainId, call.Method.Name, call.Started).ConfigureAwait(false);
            dispatch = TryDispatch(grainId, grainClass, call, out deactivating);
        }
        while (dispatch == Dispatch.Deactivating);

        return dispatch == Dispatch.Unavailable
            ? throw Unavailable(grainId)
            : await call.Completion.ConfigureAwait(false);
    }

    private static SiloUnavailableException Unavailable(GrainId grainId) =>
        new($"Cannot call {grainId}: the silo is not running (not started yet, or stopped).");

    private async Task WithinResponseTimeout(Task task, GrainId grainId, string method, long started)
    {
        if (task.IsCompleted || _responseTimeout == Timeout.InfiniteTimeSpan)
        {
            await task.ConfigureAwait(false);
            return;
        }

        var remaining = _responseTimeout - TimeProvider.GetElapsedTime(started);
        try
        {
            await task.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException) when (task.IsCompleted)
        {
            // The call finished while its timeout fired (a late timer on a loaded machine): its own outcome wins.
            await task.ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw ResponseTimeouts.Expired(method, grainId, _responseTimeout);
        }
    }
}
