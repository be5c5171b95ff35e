using ApexOrleans.Runtime.Invocation;

namespace ApexOrleans.Runtime.Activation;

/// <summary>
/// Response timeouts the way Orleans keeps them: one periodic sweep instead of a timer per call (a timer per call
/// cost a third of a grain call's throughput). The sweep asks each busy activation for the calls it holds, queued or
/// running, that are older than the timeout, and fails them; nothing is registered per call, so nothing is kept
/// alive longer than the call itself. A call times out within one sweep period after its deadline; a call that
/// finished first keeps its own outcome.
/// </summary>
internal sealed class ResponseTimeouts(GrainRuntime runtime, TimeSpan timeout) : IDisposable
{
    private readonly long _timeoutTicks = (long)(timeout.TotalSeconds * runtime.TimeProvider.TimestampFrequency);
    private readonly Lock _sweeping = new();
    private ITimer? _timer;

    /// <summary>How often the sweep runs: an eighth of the timeout, between 1 ms and 1 s.</summary>
    public TimeSpan Period { get; } = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 8, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerSecond));

    /// <summary>Starts the sweep (again, after a stop).</summary>
    public void Start()
    {
        Stop();
        _timer = runtime.TimeProvider.CreateTimer(_ => Sweep(), null, Period, Period);
    }

    /// <summary>Stops the sweep.</summary>
    public void Stop()
    {
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>Fails every call held longer than the timeout.</summary>
    public void Sweep()
    {
        if (!_sweeping.TryEnter())
        {
            return; // the previous sweep is still running
        }

        try
        {
            var expired = new List<GrainCall>();
            var before = runtime.TimeProvider.GetTimestamp() - _timeoutTicks;
            foreach (var activation in runtime.EnumerateActivations())
            {
                activation.CollectCallsStartedBefore(before, expired);
            }

            foreach (var call in expired)
            {
                call.Fail(Expired(call.MethodName, call.GrainId, timeout));
            }
        }
        finally
        {
            _sweeping.Exit();
        }
    }

    /// <summary>The error of a call that got no answer in time.</summary>
    public static TimeoutException Expired(string method, GrainId grainId, TimeSpan timeout) => new(
        $"{method} on {grainId} did not answer within {timeout}. A non-reentrant grain whose call " +
        "chain comes back to itself waits for itself until this timeout; mark the grain [Reentrant] or the method " +
        "[AlwaysInterleave] only where that interleaving is safe.");

    /// <inheritdoc />
    public void Dispose() => Stop();
}
