using ApexOrleans.Grains.Timing;
using Microsoft.Extensions.Logging;

namespace ApexOrleans.Grains.Tenancy;

/// <summary>
/// The deferred work of one tenant: deliveries due later, retries after backoff, outbox fan-out. Each item
/// is one awaited call chain into grains that never call back, so the mesh cannot deadlock. On a virtual
/// clock nothing runs by itself: <see cref="RunUntilAsync"/> runs items one at a time in (due, key) order,
/// moving the clock to each due time, which makes a run deterministic whatever the thread interleaving. On
/// a real clock a background loop runs items as they fall due.
/// </summary>
public sealed class TenantTimeline : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly SortedSet<(DateTimeOffset Due, string Key)> _order = new();
    private readonly Dictionary<string, (DateTimeOffset Due, Func<Task> Work)> _items = [];
    private readonly Dictionary<string, int> _failures = [];
    private int _inFlight;
    private int _disposed;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal TenantTimeline(string tenant, TimeProvider clock, ILogger logger)
    {
        Tenant = tenant;
        Clock = clock;
        _logger = logger;
        _loop = clock is VirtualTimeProvider ? Task.CompletedTask : RunRealTimeAsync();
    }

    /// <summary>The tenant this timeline belongs to.</summary>
    public string Tenant { get; }

    /// <summary>The tenant's clock: virtual (stepped by <see cref="RunUntilAsync"/>) or real.</summary>
    public TimeProvider Clock { get; }

    /// <summary>True when the clock is virtual and only <see cref="RunUntilAsync"/> moves it.</summary>
    public bool IsVirtual => Clock is VirtualTimeProvider;

    /// <summary>How many work items wait.</summary>
    public int Count
    {
        get { lock (_gate) return _items.Count; }
    }

    /// <summary>Nothing scheduled and nothing running: the tenant has settled.</summary>
    public bool IsIdle
    {
        get { lock (_gate) return _items.Count == 0 && _inFlight == 0; }
    }

    /// <summary>First wait before work that failed runs again; doubles per failure of the same key, up to five minutes.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    /// <summary>The wait before work that failed <paramref name="failures"/> times in a row runs again.</summary>
    public static TimeSpan RetryWait(int failures) =>
        TimeSpan.FromTicks(Math.Min(RetryAfterFailure.Ticks << Math.Clamp(failures - 1, 0, 20), TimeSpan.FromMinutes(5).Ticks));

    /// <summary>When the earliest item is due, or null when there is nothing to do.</summary>
    public DateTimeOffset? NextDue
    {
        get { lock (_gate) return _order.Count == 0 ? null : _order.Min.Due; }
    }

    /// <summary>
    /// Schedules <paramref name="work"/> under <paramref name="key"/> at <paramref name="due"/>. One item per
    /// key: scheduling a key again keeps the earlier due time and the newest work.
    /// </summary>
    public void Schedule(string key, DateTimeOffset due, Func<Task> work) => Place(key, due, work, keepWaiting: false);

    /// <summary>
    /// Places <paramref name="work"/> under <paramref name="key"/>: the earlier due time wins, and the newest work, unless
    /// <paramref name="keepWaiting"/> keeps the work already waiting there.
    /// </summary>
    private void Place(string key, DateTimeOffset due, Func<Task> work, bool keepWaiting)
    {
        lock (_gate)
        {
            if (_items.TryGetValue(key, out var existing))
            {
                _order.Remove((existing.Due, key));
                due = due < existing.Due ? due : existing.Due;
                work = keepWaiting ? existing.Work : work;
            }

            _items[key] = (due, work);
            _order.Add((due, key));
            _changed.TrySetResult();
        }
    }

    /// <summary>
    /// Virtual clock only: runs every item due up to <paramref name="until"/> in (due, key) order, each to
    /// completion, including items those items schedule, then sets the clock to <paramref name="until"/>.
    /// </summary>
    public async Task RunUntilAsync(DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        var clock = Clock as VirtualTimeProvider
            ?? throw new InvalidOperationException($"Tenant '{Tenant}' runs on a real clock; its timeline runs by itself.");
        while (TryTakeDue(until, out var due, out var key, out var work))
        {
            cancellationToken.ThrowIfCancellationRequested();
            MoveTo(clock, due);
            await RunAsync(key, work).ConfigureAwait(false);
        }

        MoveTo(clock, until);
    }

    /// <summary>Virtual clock only: runs items until none is left (or <paramref name="limit"/> is reached).</summary>
    public async Task RunToQuiescenceAsync(DateTimeOffset limit, CancellationToken cancellationToken = default)
    {
        while (NextDue is { } next && next <= limit)
        {
            await RunUntilAsync(next, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Returns when nothing is left to do before <paramref name="limit"/>: on a virtual clock by running it all; on a
    /// real clock by waiting until nothing is scheduled up to the limit and nothing is running.
    /// </summary>
    public async Task SettleAsync(DateTimeOffset limit, CancellationToken cancellationToken = default)
    {
        if (IsVirtual)
        {
            await RunToQuiescenceAsync(limit, cancellationToken).ConfigureAwait(false);
            return;
        }

        while (!IsIdle && (NextDue is not { } next || next <= limit))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Twice is normal: a silo stopping disposes every timeline while a retirement may be disposing this one.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            await _loop.ConfigureAwait(false);
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static void MoveTo(VirtualTimeProvider clock, DateTimeOffset time)
    {
        var delta = time - clock.GetUtcNow();
        if (delta > TimeSpan.Zero)
        {
            clock.Advance(delta);
        }
    }

    private bool TryTakeDue(DateTimeOffset until, out DateTimeOffset due, out string key, out Func<Task> work)
    {
        lock (_gate)
        {
            if (_order.Count > 0 && _order.Min.Due <= until)
            {
                (due, key) = _order.Min;
                _order.Remove(_order.Min);
                work = _items[key].Work;
                _items.Remove(key);
                _inFlight++;
                return true;
            }
        }

        due = default;
        key = "";
        work = null!;
        return false;
    }

    private async Task RunAsync(string key, Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
            lock (_gate)
            {
                _failures.Remove(key);
            }
        }
        catch (Exception e)
        {
            // Never drop work: its state is in its grain (durable, or kept there until stored), so it runs again after a backoff.
            int failures;
            lock (_gate)
            {
                failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
            }

            var wait = RetryWait(failures);
            _logger.LogWarning(e, "Timeline work {Key} of tenant {Tenant} failed ({Failures} in a row); it runs again in {Wait}.", key, Tenant, failures, wait);
            // Newer work scheduled under the key while this ran supersedes it (a dispatch's newer notice carries every entry
            // this one had, and more): it is kept, at the earlier of the two times.
            Place(key, Clock.GetUtcNow() + wait, work, keepWaiting: true);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
            }
        }
    }

    private async Task RunRealTimeAsync()
    {
        await Task.Yield();
        var running = new List<Task>();
        while (!_stopping.IsCancellationRequested)
        {
            Task changed;
            DateTimeOffset? next;
            lock (_gate)
            {
                if (_changed.Task.IsCompleted)
                {
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                changed = _changed.Task;
                next = _order.Count == 0 ? null : _order.Min.Due;
            }

            var now = Clock.GetUtcNow();
            if (next is { } due && due <= now)
            {
                while (TryTakeDue(now, out _, out var key, out var work))
                {
                    running.Add(RunAsync(key, work));
                }

                await Task.WhenAll(running).ConfigureAwait(false);
                running.Clear();
                continue;
            }

            try
            {
                var wait = next is { } later ? later - now : Timeout.InfiniteTimeSpan;
                await Task.WhenAny(changed, Task.Delay(wait, Clock, _stopping.Token)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
