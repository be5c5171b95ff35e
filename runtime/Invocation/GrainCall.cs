namespace ApexOrleans.Runtime.Invocation;

/// <summary>One request to an activation: run as a turn, its outcome handed to the caller.</summary>
internal abstract class GrainCall(bool interleaves)
{
    /// <summary>Whether this call may run beside other turns (reentrant class or [AlwaysInterleave] method).</summary>
    public bool Interleaves { get; } = interleaves;

    /// <summary>Runs the method on the grain; never throws: the outcome goes to the caller.</summary>
    public abstract Task RunAsync(Grain grain);

    /// <summary>Completes the call with an error without running it (the activation could not be created).</summary>
    public abstract void Fail(Exception exception);
}

/// <summary>A call whose result is <typeparamref name="TResult"/>.</summary>
internal sealed class GrainCall<TResult>(GrainMethod<TResult> method, object?[] arguments, bool interleaves) : GrainCall(interleaves)
{
    // Continuations run asynchronously so that a caller never runs inside the activation's turn loop.
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public GrainMethod<TResult> Method => method;

    public Task<TResult> Completion => _completion.Task;

    public override async Task RunAsync(Grain grain)
    {
        try
        {
            _completion.TrySetResult(await method.Invoke(grain, arguments).ConfigureAwait(false));
        }
        catch (Exception exception)
        {
            // The caller gets the grain's own exception object: same type, same message.
            _completion.TrySetException(exception);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
