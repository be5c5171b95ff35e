
namespace ApexOrleans.Contracts.Deliveries;

/// <summary>How deliveries are attempted, retried, queued and dead-lettered (defaults from the story's chaos config).</summary>
[GenerateSerializer, Immutable]
public sealed record DeliveryOptions
{
    /// <summary>Retries after the first attempt before the delivery goes to the target's queue.</summary>
    [Id(0)]
    public int MaxRetries { get; init; } = 2;

    /// <summary>Backoff before retry n is <c>BaseBackoff × 2^(n-1)</c>.</summary>
    [Id(1)]
    public TimeSpan BaseBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long an attempt may take before it counts as timed out.</summary>
    [Id(2)]
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Real clock: how long an attempt made inside its enqueue may take (a due-now delivery into an empty queue), so
    /// the enqueuing caller is never held near its own response timeout; past it the attempt counts as timed out and
    /// the delivery is retried from the timeline with <see cref="AttemptTimeout"/>. Never more than that timeout.
    /// </summary>
    [Id(3)]
    public TimeSpan AtOnceAttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between two attempts of a queued delivery (the backoff keeps doubling up to this).</summary>
    [Id(4)]
    public TimeSpan MaxQueueBackoff { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Attempts after which a delivery is moved to the dead letters, where the target's state shows it.</summary>
    [Id(5)]
    public int DeadLetterAfterAttempts { get; init; } = 40;

    /// <summary>Delivered items kept in the target's history for evidence and dashboards (oldest pages dropped first).</summary>
    [Id(6)]
    public int DeliveredHistoryLimit { get; init; } = 10_000;

    /// <summary>Delivered items sealed together into one immutable history page, out of the queue's hot state.</summary>
    [Id(7)]
    public int HistoryPageSize { get; init; } = 8;

    /// <summary>How long an attempt to a remote app may take to connect (its answer then has <see cref="AttemptTimeout"/>).</summary>
    [Id(8)]
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>What an attempt made inside its enqueue may take: <see cref="AtOnceAttemptTimeout"/>, never more than <see cref="AttemptTimeout"/>.</summary>
    public TimeSpan AtOnceAttemptLimit => AtOnceAttemptTimeout < AttemptTimeout ? AtOnceAttemptTimeout : AttemptTimeout;

    /// <summary>The backoff before attempt <paramref name="nextAttempt"/> (2 = first retry).</summary>
    public TimeSpan BackoffBefore(int nextAttempt)
    {
        var exponent = Math.Min(nextAttempt - 2, 30);
        var backoff = TimeSpan.FromTicks((long)Math.Min(BaseBackoff.Ticks * Math.Pow(2, exponent), TimeSpan.MaxValue.Ticks / 2));
        return backoff < MaxQueueBackoff ? backoff : MaxQueueBackoff;
    }

    /// <summary>The longest a delivery can stay undelivered before it is dead-lettered: every backoff plus every attempt.</summary>
    public TimeSpan WorstCaseSpan =>
        Enumerable.Range(2, Math.Max(0, DeadLetterAfterAttempts - 1)).Aggregate(AttemptTimeout * DeadLetterAfterAttempts, (sum, n) => sum + BackoffBefore(n));

    /// <summary>Checks the values make sense together.</summary>
    public void Validate()
    {
        if (MaxRetries < 0 || BaseBackoff < TimeSpan.Zero || AttemptTimeout <= TimeSpan.Zero || AtOnceAttemptTimeout <= TimeSpan.Zero || ConnectTimeout <= TimeSpan.Zero || MaxQueueBackoff < BaseBackoff
            || DeadLetterAfterAttempts <= MaxRetries + 1 || DeliveredHistoryLimit < 0 || HistoryPageSize < 1)
        {
            throw new ArgumentException(
                "Delivery options: retries ≥ 0, backoff ≥ 0, attempt and connect timeouts > 0, max queue backoff ≥ base backoff, " +
                "dead-lettering only after more attempts than the retries allow, and history pages of at least 1 item.");
        }

        // Bounds that keep the time arithmetic (WorstCaseSpan, due times) far from overflow, and far past any real use.
        if (MaxRetries > 1_000 || DeadLetterAfterAttempts > 10_000 || AttemptTimeout > TimeSpan.FromDays(1) || AtOnceAttemptTimeout > TimeSpan.FromDays(1) || ConnectTimeout > TimeSpan.FromDays(1)
            || BaseBackoff > TimeSpan.FromDays(1) || MaxQueueBackoff > TimeSpan.FromDays(7))
        {
            throw new ArgumentException(
                "Delivery options: at most 1,000 retries and 10,000 attempts, attempt timeouts and base backoff of at most a day, " +
                "a queue backoff of at most a week.");
        }
    }
}
