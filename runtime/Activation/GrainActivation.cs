using ApexOrleans.Runtime.Invocation;
using ApexOrleans.Runtime.State;
using Microsoft.Extensions.Logging;

namespace ApexOrleans.Runtime.Activation;

/// <summary>
/// The one in-memory instance of a grain identity. Calls queue in a mailbox and run as turns, one at a
/// time (interleaving calls excepted); the lifecycle is Created → Activating → Valid → Deactivating → Invalid.
/// A call that arrives once deactivation has begun is refused, and the runtime retries it on a new
/// activation after this one has finished deactivating, so two activations of one identity never overlap.
/// </summary>
internal sealed class GrainActivation : IThreadPoolWorkItem
{
    [ThreadStatic]
    internal static GrainActivation? Constructing;

    private enum Status { Created, Activating, Valid, Deactivating, Invalid }

    private readonly Lock _gate = new();
    private readonly Queue<GrainCall> _mailbox = new();
    private readonly List<GrainCall> _running = [];
    private Status _status;
    private int _pending;             // accepted calls not yet finished, queued or running
    private bool _turnLoopScheduled;
    private bool _deactivationStarted;
    private long _lastActivity;
    private DeactivationReason _deactivationReason;
    private TaskCompletionSource? _deactivated;
    private Grain? _grain;

    public GrainActivation(GrainRuntime runtime, GrainId grainId, GrainClass grainClass)
    {
        Runtime = runtime;
        GrainId = grainId;
        GrainClass = grainClass;
        _lastActivity = runtime.TimeProvider.GetTimestamp();
    }

    public GrainRuntime Runtime { get; }

    public GrainId GrainId { get; }

    public GrainClass GrainClass { get; }

    /// <summary>Accepts a call, or refuses it (returning when this activation will be gone) if deactivation has begun.</summary>
    public bool TryAccept(GrainCall call, out Task deactivated)
    {
        bool scheduleLoop = false, runInterleaved = false;
        lock (_gate)
        {
            if (_status >= Status.Deactivating)
            {
                deactivated = _deactivated!.Task;
                return false;
            }

            _pending++;
            _lastActivity = Runtime.TimeProvider.GetTimestamp();
            if (_status == Status.Created)
            {
                _status = Status.Activating;
            }

            if (call.Interleaves && _status == Status.Valid)
            {
                runInterleaved = true;
                _running.Add(call);
            }
            else
            {
                _mailbox.Enqueue(call);
                scheduleLoop = !_turnLoopScheduled;
                _turnLoopScheduled = true;
            }
        }

        if (runInterleaved)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.Activation.RunCallAsync(s.Call), (Activation: this, Call: call), preferLocal: true);
        }
        else if (scheduleLoop)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }

        deactivated = Task.CompletedTask;
        return true;
    }

    /// <summary>Deactivates if the activation is valid, has no call in flight and has been idle at least <paramref name="age"/>.</summary>
    public Task? TryCollect(TimeSpan age) =>
        BeginDeactivation(new DeactivationReason(DeactivationReasonCode.ActivationIdle, "Idle for longer than its collection age."), ifIdle: age);

    /// <summary>Deactivates after the calls already accepted have finished; new calls go to a new activation.</summary>
    public Task DeactivateAsync(DeactivationReason reason) => BeginDeactivation(reason, ifIdle: null)!;

    public void RequestDeactivation(DeactivationReason reason) => _ = BeginDeactivation(reason, ifIdle: null);

    void IThreadPoolWorkItem.Execute() => _ = RunTurnsAsync();

    private async Task RunTurnsAsync()
    {
        if (_grain is null && !await ActivateAsync().ConfigureAwait(false))
        {
            return;
        }

        while (true)
        {
            GrainCall? call;
            lock (_gate)
            {
                if (!_mailbox.TryDequeue(out call))
                {
                    _turnLoopScheduled = false;
                    return;
                }

                _running.Add(call);
            }

            if (call.Interleaves)
            {
                _ = RunCallAsync(call);
                continue;
            }

            // The turn: nothing else from the mailbox runs until this call has completed, awaits included.
            await RunCallAsync(call).ConfigureAwait(false);
        }
    }

    /// <summary>Adds the calls this activation holds, queued or running, that were made before <paramref name="timestamp"/>.</summary>
    public void CollectCallsStartedBefore(long timestamp, List<GrainCall> calls)
    {
        if (Volatile.Read(ref _pending) == 0)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var call in _running)
            {
                if (call.Started < timestamp && !call.IsCompleted)
                {
                    calls.Add(call);
                }
            }

            foreach (var call in _mailbox)
            {
                if (call.Started < timestamp && !call.IsCompleted)
                {
                    calls.Add(call);
                }
            }
        }
    }

    /// <summary>Runs a call already in <see cref="_running"/>; one that timed out while it waited is dropped, as Orleans drops expired requests.</summary>
    private async Task RunCallAsync(GrainCall call)
    {
        if (!call.IsCompleted)
        {
            await call.RunAsync(_grain!).ConfigureAwait(false);
        }

        bool finishDeactivation;
        lock (_gate)
        {
            _running.Remove(call);
            _pending--;
            _lastActivity = Runtime.TimeProvider.GetTimestamp();
            finishDeactivation = _status == Status.Deactivating && _pending == 0 && !_deactivationStarted;
            _deactivationStarted |= finishDeactivation;
        }

        call.Complete();
        if (finishDeactivation)
        {
            await FinishDeactivationAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> ActivateAsync()
    {
        try
        {
            var states = new List<IActivationStateLoader>();
            var grain = GrainClass.Create(this, Runtime.Services, states);
            foreach (var state in states)
            {
                await state.LoadAsync().ConfigureAwait(false);
            }

            // Not the silo's stopping token: turns still in flight during a stop may activate grains and must finish.
            await grain.OnActivateAsync(CancellationToken.None).ConfigureAwait(false);
            _grain = grain;
            lock (_gate)
            {
                // A deactivation requested while activating stays requested; it runs once the queued calls are done.
                if (_status == Status.Activating)
                {
                    _status = Status.Valid;
                }
            }

            return true;
        }
        catch (Exception exception)
        {
            Runtime.Logger.LogWarning(exception, "Activation of {GrainId} failed; its queued calls get the error.", GrainId);
            List<GrainCall> queued;
            TaskCompletionSource deactivated;
            lock (_gate)
            {
                _status = Status.Invalid;
                queued = [.. _mailbox];
                _mailbox.Clear();
                _pending = 0;
                _turnLoopScheduled = false;
                deactivated = _deactivated ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            Runtime.Remove(this);
            deactivated.TrySetResult();
            foreach (var call in queued)
            {
                call.Fail(exception);
            }

            return false;
        }
    }

    private Task? BeginDeactivation(DeactivationReason reason, TimeSpan? ifIdle)
    {
        bool finishNow = false, neverActivated = false;
        TaskCompletionSource deactivated;
        lock (_gate)
        {
            if (_deactivated is not null)
            {
                return ifIdle is null ? _deactivated.Task : null;
            }

            if (ifIdle is { } age && (_status != Status.Valid || _pending > 0 || Runtime.TimeProvider.GetElapsedTime(_lastActivity) < age))
            {
                return null;
            }

            deactivated = _deactivated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _deactivationReason = reason;
            if (_status == Status.Created)
            {
                _status = Status.Invalid;
                neverActivated = true;
            }
            else
            {
                _status = Status.Deactivating;
                finishNow = _pending == 0;
                _deactivationStarted = finishNow;
            }
        }

        if (neverActivated)
        {
            Runtime.Remove(this);
            deactivated.TrySetResult();
        }
        else if (finishNow)
        {
            _ = FinishDeactivationAsync();
        }

        return deactivated.Task;
    }

    private async Task FinishDeactivationAsync()
    {
        try
        {
            await _grain!.OnDeactivateAsync(_deactivationReason, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Runtime.Logger.LogWarning(exception, "OnDeactivateAsync of {GrainId} threw; the activation is removed anyway.", GrainId);
        }

        lock (_gate)
        {
            _status = Status.Invalid;
        }

        Runtime.Remove(this);
        _deactivated!.TrySetResult();
    }
}
