namespace ApexOrleans.Client.Tests;

/// <summary>
/// A clock on which nothing is waited for: a timer's time comes as soon as it is set (once; periods are not repeated),
/// the clock jumping straight to it.
/// Code that waits on it runs its pauses and deadlines in full, and <see cref="Elapsed"/> says how long they were, in no
/// real time.
/// </summary>
internal sealed class JumpingClock : TimeProvider
{
    private long _ticks;

    /// <summary>How far the clock has jumped since it was made.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch + Elapsed;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class Timer(JumpingClock clock, TimerCallback callback, object? state) : ITimer
    {
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == Timeout.InfiniteTimeSpan || Volatile.Read(ref _disposed))
            {
                return true;
            }

            Interlocked.Add(ref clock._ticks, dueTime.Ticks);
            // Fired on the pool, not here: the caller (Task.Delay) is still storing the timer it is being handed.
            ThreadPool.QueueUserWorkItem(_ =>
            {
                if (!Volatile.Read(ref _disposed))
                {
                    callback(state);
                }
            });
            return true;
        }

        public void Dispose() => Volatile.Write(ref _disposed, true);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
