namespace ApexOrleans.Grains.Timing;

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
    private int _advancing; // > 0 while Advance fires timers: zero-due timers then join the due order

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
        Change(timer, dueTime, period);
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
            _advancing++;
        }

        try
        {
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
        finally
        {
            lock (_gate)
            {
                _advancing--;
            }
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

    private bool Change(VirtualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        bool fireOnThreadPool;
        lock (_gate)
        {
            if (timer.Disposed)
            {
                return false;
            }

            _scheduled.Remove(timer);
            timer.PeriodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            var dueNow = dueTime == TimeSpan.Zero;
            // Like a real timer, a zero due time fires as soon as possible but never inside CreateTimer itself:
            // during an Advance it takes its place in due order, otherwise it goes to the thread pool.
            fireOnThreadPool = dueNow && _advancing == 0;
            if (dueTime != Timeout.InfiniteTimeSpan && !(fireOnThreadPool && timer.PeriodTicks == 0))
            {
                timer.DueTicks = _elapsedTicks + (fireOnThreadPool ? timer.PeriodTicks : dueTime.Ticks);
                timer.Sequence = _sequence++;
                _scheduled.Add(timer);
            }
        }

        if (fireOnThreadPool)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static t => t.Fire(), timer, preferLocal: false);
        }

        return true;
    }

    private void Dispose(VirtualTimer timer)
    {
        lock (_gate)
        {
            timer.Disposed = true;
            _scheduled.Remove(timer);
        }
    }

    private sealed class VirtualTimer(VirtualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        public long DueTicks { get; set; }

        public long PeriodTicks { get; set; }

        public long Sequence { get; set; }

        /// <summary>Set under the clock's lock, so a Change racing a Dispose cannot reschedule a disposed timer.</summary>
        public bool Disposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => clock.Change(this, dueTime, period);

        public void Fire()
        {
            if (!Disposed)
            {
                callback(state);
            }
        }

        public void Dispose() => clock.Dispose(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
