namespace ApexOrleans.Grains.Timing;

/// <summary>
/// A real clock that starts at a chosen moment and runs faster or slower than the wall clock: with a scale of
/// 0.1, one wall second is ten seconds on this clock. Timers are scaled the same way.
/// </summary>
public sealed class ScaledTimeProvider : TimeProvider
{
    private readonly TimeProvider _wall;
    private readonly DateTimeOffset _start;
    private readonly long _wallStart;
    private readonly double _scale;

    /// <summary>Starts the clock at <paramref name="start"/> now; <paramref name="scale"/> is wall seconds per clock second.</summary>
    public ScaledTimeProvider(TimeProvider wall, DateTimeOffset start, double scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(scale, 0);
        _wall = wall;
        _start = start.ToUniversalTime();
        _scale = scale;
        _wallStart = wall.GetTimestamp();
    }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _start + Elapsed();

    /// <inheritdoc />
    public override long GetTimestamp() => Elapsed().Ticks;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(this, _wall.CreateTimer(callback, state, ToWall(dueTime), ToWall(period)));

    private TimeSpan Elapsed() => _wall.GetElapsedTime(_wallStart) / _scale;

    private TimeSpan ToWall(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span * _scale;

    private sealed class ScaledTimer(ScaledTimeProvider clock, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.ToWall(dueTime), clock.ToWall(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
