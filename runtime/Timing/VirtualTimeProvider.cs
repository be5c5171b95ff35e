namespace ApexOrleans.Runtime.Timing;

/// <summary>
/// A clock that moves only when told to. Timers created from it (Task.Delay, PeriodicTimer, WaitAsync
/// timeouts) fire in due order as <see cref="Advance"/> passes their due time, so a whole day of timeouts
/// and backoffs runs in milliseconds and with the same outcome every time.
/// </summary>
public sealed class VirtualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly DateTimeOffset _start;
    private readonly List<VirtualTimer> _scheduled = [];
    private long _elapsedTicks;
    private long _sequence;

    /// <summary>Starts the clock at <paramref name="start"/> (UTC).</summary>
    public VirtualTimeProvider(DateTimeOffset start) => _start = start.ToUniversalTime();

    /// <summary>Starts the clock at 2000-01-01 UTC.</summary>
    public VirtualTimeProvider() : this(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>When the earliest scheduled timer is due, or null if none is.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_gate)
            {
                return _scheduled.Count == 0 ? null : _start.AddTicks(_scheduled.Min(t => t.DueTicks));
            }
        }
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _start.AddTicks(_elapsedTicks);
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _elapsedTicks;
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        long target;
        lock (_gate)
        {
            target = _elapsedTicks + delta.Ticks;
        }

        while (true)
        {
            VirtualTimer? due;
            lock (_gate)
            {
                due = _scheduled.Where(t => t.DueTicks <= target).OrderBy(t => t.DueTicks).ThenBy(t => t.Sequence).FirstOrDefault();
                if (due is null)
                {
                    _elapsedTicks = Math.Max(_elapsedTicks, target);
                    return;
                }

                _elapsedTicks = Math.Max(_elapsedTicks, due.DueTicks);
                Reschedule(due);
            }

            due.Fire();
        }
    }

    /// <summary>Advances to the earliest scheduled timer and fires it (and any due at the same instant); false if none.</summary>
    public bool AdvanceToNextTimer()
    {
        long delta;
        lock (_gate)
        {
            if (_scheduled.Count == 0)
            {
                return false;
            }

            delta = Math.Max(0, _scheduled.Min(t => t.DueTicks) - _elapsedTicks);
        }

        Advance(TimeSpan.FromTicks(delta));
        return true;
    }

    private void Reschedule(VirtualTimer timer)
    {
        if (timer.PeriodTicks > 0)
        {
            timer.DueTicks += timer.PeriodTicks;
        }
        else
        {
            _scheduled.Remove(timer);
        }
    }

    private void Change(VirtualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        bool fireNow;
        lock (_gate)
        {
            _scheduled.Remove(timer);
            timer.PeriodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            fireNow = dueTime == TimeSpan.Zero;
            if (dueTime == Timeout.InfiniteTimeSpan || (fireNow && timer.PeriodTicks == 0))
            {
                // Unscheduled, or a one-shot that is due right now.
            }
            else
            {
                timer.DueTicks = _elapsedTicks + (fireNow ? timer.PeriodTicks : dueTime.Ticks);
                timer.Sequence = _sequence++;
                _scheduled.Add(timer);
            }
        }

        if (fireNow)
        {
            // Like a real timer with zero due time: fires as soon as possible, never inside CreateTimer itself.
            ThreadPool.UnsafeQueueUserWorkItem(static t => t.Fire(), timer, preferLocal: false);
        }
    }

    private void Remove(VirtualTimer timer)
    {
        lock (_gate)
        {
            _scheduled.Remove(timer);
        }
    }

    private sealed class VirtualTimer(VirtualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private volatile bool _disposed;

        public long DueTicks { get; set; }

        public long PeriodTicks { get; set; }

        public long Sequence { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
            {
                return false;
            }

            clock.Change(this, dueTime, period);
            return true;
        }

        public void Fire()
        {
            if (!_disposed)
            {
                callback(state);
            }
        }

        public void Dispose()
        {
            _disposed = true;
            clock.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
