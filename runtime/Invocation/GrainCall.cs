namespace ApexOrleans.Runtime.Invocation;

/// <summary>One request to an activation: run as a turn, its outcome handed to the caller.</summary>
internal abstract class GrainCall(GrainId grainId, string methodName, bool interleaves)
{
    /// <summary>The grain called.</summary>
    public GrainId GrainId { get; } = grainId;

    /// <summary>The method called, for messages.</summary>
    public string MethodName { get; } = methodName;

    /// <summary>When the call was made (the runtime's timestamp); its response timeout counts from here.</summary>
    public long Started { get; set; }

    /// <summary>Whether the caller has its answer (or error).</summary>
    public abstract bool IsCompleted { get; }

    /// <summary>Whether this call may run beside other turns (reentrant class or [AlwaysInterleave] method).</summary>
    public bool Interleaves { get; } = interleaves;

    /// <summary>Runs the method on the grain and keeps its outcome for <see cref="Complete"/>; never throws.</summary>
    public abstract Task RunAsync(Grain grain);

    /// <summary>
    /// Hands the kept outcome to the caller. The activation calls it after recording the call as finished, so a caller
    /// that has its answer never finds the activation still busy with it (idle collection, deactivation).
    /// </summary>
    public abstract void Complete();

    /// <summary>Completes the call with an error unless it already has its outcome (no activation, or no answer in time).</summary>
    public abstract void Fail(Exception exception);
}

/// <summary>A call whose result is <typeparamref name="TResult"/>.</summary>
internal sealed class GrainCall<TResult>(GrainId grainId, GrainMethod<TResult> method, object?[] arguments, bool interleaves)
    : GrainCall(grainId, method.Name, interleaves)
{
    // Continuations run asynchronously so that a caller never runs inside the activation's turn loop.
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public GrainMethod<TResult> Method => method;

    public Task<TResult> Completion => _completion.Task;

    public override bool IsCompleted => _completion.Task.IsCompleted;

    private TResult? _result;
    private Exception? _error;

    public override async Task RunAsync(Grain grain)
    {
        try
        {
            _result = await method.Invoke(grain, arguments).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _error = exception;
        }
    }

    public override void Complete()
    {
        if (_error is not null)
        {
            _completion.TrySetException(_error); // the grain's own exception object: same type, same message
        }
        else
        {
            _completion.TrySetResult(_result!);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
