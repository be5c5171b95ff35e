using ApexOrleans.Runtime.Timing;
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

    /// <summary>When the earliest item is due, or null when there is nothing to do.</summary>
    public DateTimeOffset? NextDue
    {
        get { lock (_gate) return _order.Count == 0 ? null : _order.Min.Due; }
    }

    /// <summary>
    /// Schedules <paramref name="work"/> under <paramref name="key"/> at <paramref name="due"/>. One item per
    /// key: scheduling a key again keeps the earlier due time and the newest work.
    /// </summary>
    public void Schedule(string key, DateTimeOffset due, Func<Task> work)
    {
        lock (_gate)
        {
            if (_items.TryGetValue(key, out var existing))
            {
                _order.Remove((existing.Due, key));
                due = due < existing.Due ? due : existing.Due;
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
        while (TryTakeDue(until, out var due, out var work))
        {
            cancellationToken.ThrowIfCancellationRequested();
            MoveTo(clock, due);
            await RunAsync(work).ConfigureAwait(false);
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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
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

    private bool TryTakeDue(DateTimeOffset until, out DateTimeOffset due, out Func<Task> work)
    {
        lock (_gate)
        {
            if (_order.Count > 0 && _order.Min.Due <= until)
            {
                var (itemDue, key) = _order.Min;
                _order.Remove(_order.Min);
                work = _items[key].Work;
                _items.Remove(key);
                due = itemDue;
                return true;
            }
        }

        due = default;
        work = null!;
        return false;
    }

    private async Task RunAsync(Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The work's own state is durable in its grain; the grain reschedules itself when next touched.
            _logger.LogError(e, "Timeline work of tenant {Tenant} failed.", Tenant);
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
                while (TryTakeDue(now, out _, out var work))
                {
                    running.Add(RunAsync(work));
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
