using System.Net;
using Polly;
using Polly.Retry;

namespace ApexOrleans.Client.Running;

/// <summary>
/// The one way a session waits for a silo and tries a call again: a Polly pipeline on the session's clock. A try that
/// no silo served (none could be reached, one answered 503 or 401, or the try threw <see cref="SiloStillAwayException"/>)
/// is made again after <see cref="SiloRetryOptions.RetryPause"/>, until <see cref="SiloRetryOptions.RecoveryTimeout"/>
/// has passed since the first; then the last try's answer or failure is the call's.
/// </summary>
internal sealed class SiloRetry
{
    // Per call, so that concurrent calls on one session each have their own deadline and their own last miss.
    private static readonly ResiliencePropertyKey<long> FirstTryAt = new("apex.silo-retry.first-try-at");
    private static readonly ResiliencePropertyKey<MissedTry> LastMiss = new("apex.silo-retry.last-miss");

    private readonly ResiliencePipeline _pipeline;

    public SiloRetry(SiloRetryOptions options, TimeProvider clock)
    {
        Options = options;
        Clock = clock;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    MissOf(args.Outcome) is not null && clock.GetElapsedTime(args.Context.Properties.GetValue(FirstTryAt, 0L)) < options.RecoveryTimeout),
                MaxRetryAttempts = int.MaxValue, // the deadline ends the tries, not their number
                BackoffType = DelayBackoffType.Constant,
                Delay = options.RetryPause,
                UseJitter = false,
                OnRetry = args =>
                {
                    args.Context.Properties.Set(LastMiss, MissOf(args.Outcome)!);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>The timeouts and pauses this pipeline was built with.</summary>
    public SiloRetryOptions Options { get; }

    /// <summary>The clock the pipeline waits on, for the session's other waits.</summary>
    public TimeProvider Clock { get; }

    /// <summary>
    /// Runs <paramref name="attempt"/> until a silo serves it, telling each try how the one before it was missed (null
    /// on the first), so that it can first move to another silo, take new keys or resume runs. A
    /// <see cref="SiloStillAwayException"/> still thrown at the deadline becomes an <see cref="InvalidOperationException"/>
    /// that says how long was waited.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(Func<MissedTry?, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(FirstTryAt, Clock.GetTimestamp());
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (context, attempt) =>
                    await attempt(context.Properties.TryGetValue(LastMiss, out var miss) ? miss : null, context.CancellationToken),
                context, attempt);
        }
        catch (SiloStillAwayException e)
        {
            throw new InvalidOperationException($"{e.Message} within {Options.RecoveryTimeout}.", e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// The silo went away under the request: HttpClient says so with an HttpRequestException, except when the socket dies
    /// between connecting and reading its endpoint, which surfaces as a bare SocketException, or when the silo hangs
    /// (paused, cut off) past the client's timeout.
    /// </summary>
    public static bool IsConnectionFailure(Exception e) =>
        e is HttpRequestException or System.Net.Sockets.SocketException or TaskCanceledException { InnerException: TimeoutException };

    /// <summary>How a try was missed, or null if it was not: the silo is restarting, declared dead, or has new keys.</summary>
    private static MissedTry? MissOf(Outcome<object> outcome) => outcome switch
    {
        { Exception: SiloStillAwayException } => new MissedTry(null),
        { Exception: { } e } when IsConnectionFailure(e) => new MissedTry(null),
        { Result: HttpResponseMessage { StatusCode: HttpStatusCode.ServiceUnavailable or HttpStatusCode.Unauthorized } refused } => new MissedTry(refused.StatusCode),
        _ => null,
    };
}

/// <summary>How the try before this one was missed: the silo answered <see cref="Answer"/> (503 or 401), or none answered (null).</summary>
internal sealed record MissedTry(HttpStatusCode? Answer);

/// <summary>
/// Thrown by a try that found no silo to serve it yet (none ready, a run it no longer holds, a silo that did not confirm);
/// its message says what did not happen, for the error at the deadline.
/// </summary>
internal sealed class SiloStillAwayException(string message) : Exception(message);
