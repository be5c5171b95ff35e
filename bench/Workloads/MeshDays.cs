using System.Collections.Concurrent;
using System.Diagnostics;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Grains.Publishing;

namespace ApexOrleans.Bench.Workloads;

/// <summary>What a mesh workload did: events accepted, the time until every delivery was done, and each publish's wall time.</summary>
public sealed record DaysResult(long Events, TimeSpan Elapsed, LatencyFigures PublishMs, long Tenants, TimeSpan Publishing)
{
    /// <summary>Events per second, end to end (until every delivery of every event was done).</summary>
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;

    /// <summary>Publishes accepted per second while publishing (deliveries still running behind them).</summary>
    public double AcceptedPerSecond => Events / Publishing.TotalSeconds;
}

/// <summary>Where a workload publishes: the embedded gateway or the silo's HTTP API.</summary>
public interface IMeshTarget
{
    /// <summary>Publishes one event for a tenant.</summary>
    Task PublishAsync(string tenant, EventEnvelope envelope);

    /// <summary>Whether the tenant has no work left (every delivery done).</summary>
    bool IsSettled(string tenant);

    /// <summary>Forgets a settled tenant (its data stays in storage).</summary>
    Task RetireAsync(string tenant);
}

/// <summary>
/// The mesh workloads: tenants replay the scenario's business day (its beats as real events, with their fan-out,
/// holds and reactions; no chaos, the silo's clock) through the same gateway <c>apex run</c> uses. Every event
/// counts only once every delivery it caused is done.
/// </summary>
public sealed class MeshDays(IReadOnlyList<EventEnvelope> beats)
{
    private static long s_prefix;

    /// <summary>The events of one tenant's day, in order.</summary>
    public IReadOnlyList<EventEnvelope> Beats => beats;

    /// <summary>The beats of <paramref name="scenarioPath"/>.</summary>
    public static MeshDays Load(string scenarioPath, string catalogPath) =>
        new(ScenarioLoader.Load(scenarioPath, AppCatalog.Load(catalogPath)).Beats.Select(b => b.Event).ToList());

    /// <summary>
    /// Closed loop: <paramref name="clients"/> publishers replay whole days for fresh tenants back to back until the
    /// window ends or <paramref name="maxDays"/> days have started; settled tenants are retired as it goes.
    /// </summary>
    public async Task<DaysResult> ClosedLoopAsync(IMeshTarget target, int clients, TimeSpan? window, long? maxDays, Action<DaysProgress>? progress = null)
    {
        var prefix = Prefix();
        var stopwatch = Stopwatch.StartNew();
        var publishMs = new ConcurrentBag<double>();
        var unsettled = new ConcurrentQueue<string>();
        long days = 0, events = 0;
        using var sweeping = new CancellationTokenSource();
        var sweeper = SweepAsync(target, unsettled, sweeping.Token, () => progress?.Invoke(new DaysProgress(stopwatch.Elapsed, Interlocked.Read(ref events), unsettled.Count)));
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while ((window is null || stopwatch.Elapsed < window) && Interlocked.Increment(ref days) is var day && (maxDays is null || day <= maxDays))
            {
                var tenant = $"{prefix}-{day}";
                foreach (var beat in beats)
                {
                    publishMs.Add(await TimedAsync(() => target.PublishAsync(tenant, beat)));
                    Interlocked.Increment(ref events);
                }

                unsettled.Enqueue(tenant);
            }
        })));
        var publishing = stopwatch.Elapsed;
        await sweeping.CancelAsync();
        await sweeper;
        await SettleAllAsync(target, unsettled);
        return new DaysResult(events, stopwatch.Elapsed, LatencyFigures.Of(publishMs), Math.Min(days, maxDays ?? long.MaxValue), publishing);
    }

    /// <summary>
    /// One closed-loop window as a measurement for <see cref="Harness.Throughput.InterleaveAsync"/>: events/s end to end; the
    /// rate accepted while publishing is added to <paramref name="accepted"/>, and the whole result goes to <paramref name="measured"/>.
    /// </summary>
    public Func<Task<double>> EndToEndRate(IMeshTarget target, int clients, TimeSpan window, List<double> accepted, Action<DaysResult>? measured = null) => async () =>
    {
        var result = await ClosedLoopAsync(target, clients, window, null);
        accepted.Add(Math.Round(result.AcceptedPerSecond, 1));
        measured?.Invoke(result);
        return result.EventsPerSecond;
    };

    /// <summary>All <paramref name="tenants"/> at once: each beat is published for every tenant (at most <paramref name="clients"/> in flight) before the next beat.</summary>
    public async Task<DaysResult> AllAtOnceAsync(IMeshTarget target, int tenants, int clients)
    {
        var prefix = Prefix();
        var stopwatch = Stopwatch.StartNew();
        var publishMs = new ConcurrentBag<double>();
        var ids = Enumerable.Range(0, tenants).Select(i => $"{prefix}-{i}").ToList();
        foreach (var beat in beats)
        {
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = clients },
                async (tenant, _) => publishMs.Add(await TimedAsync(() => target.PublishAsync(tenant, beat))));
        }

        var publishing = stopwatch.Elapsed;
        await SettleAllAsync(target, new ConcurrentQueue<string>(ids));
        return new DaysResult((long)tenants * beats.Count, stopwatch.Elapsed, LatencyFigures.Of(publishMs), tenants, publishing);
    }

    /// <summary>
    /// Open loop: publishes at <paramref name="rate"/> events/s for <paramref name="duration"/> (whole days for fresh tenants), then
    /// settles; settled tenants are retired as it goes, as in the closed loop that measured the peak.
    /// </summary>
    public async Task<DaysResult> PacedAsync(IMeshTarget target, double rate, TimeSpan duration, int publishers = 64)
    {
        var prefix = Prefix();
        var stopwatch = Stopwatch.StartNew();
        var publishMs = new ConcurrentBag<double>();
        var unsettled = new ConcurrentQueue<string>();
        long events = 0, days = 0;
        using var sweeping = new CancellationTokenSource();
        var sweeper = SweepAsync(target, unsettled, sweeping.Token, () => { });
        await Task.WhenAll(Enumerable.Range(0, publishers).Select(worker => Task.Run(async () =>
        {
            var slot = 0L;
            while (stopwatch.Elapsed < duration)
            {
                var tenant = $"{prefix}-{Interlocked.Increment(ref days)}";
                foreach (var beat in beats)
                {
                    var due = TimeSpan.FromSeconds((slot++ * publishers + worker) / rate);
                    if (due > stopwatch.Elapsed)
                    {
                        await Task.Delay(due - stopwatch.Elapsed);
                    }

                    publishMs.Add(await TimedAsync(() => target.PublishAsync(tenant, beat)));
                    Interlocked.Increment(ref events);
                }

                unsettled.Enqueue(tenant);
            }
        })));
        var publishing = stopwatch.Elapsed;
        await sweeping.CancelAsync();
        await sweeper;
        await SettleAllAsync(target, unsettled);
        return new DaysResult(events, stopwatch.Elapsed, LatencyFigures.Of(publishMs), days, publishing);
    }

    private static string Prefix() => $"b{Interlocked.Increment(ref s_prefix)}-{Guid.NewGuid().ToString("N")[..6]}";

    private static async Task<double> TimedAsync(Func<Task> publish)
    {
        var started = Stopwatch.GetTimestamp();
        await publish();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task SweepAsync(IMeshTarget target, ConcurrentQueue<string> unsettled, CancellationToken cancellationToken, Action report)
    {
        var lastReport = Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested)
        {
            await RetireSettledAsync(target, unsettled);
            if (lastReport.Elapsed >= TimeSpan.FromSeconds(1))
            {
                report();
                lastReport.Restart();
            }

            try
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private const int RetiringAtOnce = 64;

    private static async Task SettleAllAsync(IMeshTarget target, ConcurrentQueue<string> unsettled)
    {
        while (!unsettled.IsEmpty)
        {
            await RetireSettledAsync(target, unsettled);
            if (!unsettled.IsEmpty)
            {
                await Task.Delay(2);
            }
        }
    }

    /// <summary>
    /// One pass over the queue: settled tenants are retired, the rest go back. Retirements run side by side (as each
    /// worker of <c>apex load</c> retires its own tenant): a retiring app may store its last outbox acknowledgement, and one
    /// write round after another would leave the sweep behind the publishers and finished tenants piling up in memory.
    /// </summary>
    private static async Task RetireSettledAsync(IMeshTarget target, ConcurrentQueue<string> unsettled)
    {
        var pending = new List<string>();
        var settled = new List<string>();
        while (unsettled.TryDequeue(out var tenant))
        {
            (target.IsSettled(tenant) ? settled : pending).Add(tenant);
        }

        await Parallel.ForEachAsync(settled, new ParallelOptions { MaxDegreeOfParallelism = RetiringAtOnce }, async (tenant, _) => await target.RetireAsync(tenant));
        foreach (var tenant in pending)
        {
            unsettled.Enqueue(tenant);
        }
    }
}

/// <summary>A workload's state at one moment.</summary>
public sealed record DaysProgress(TimeSpan Elapsed, long Events, int Unsettled);

/// <summary>Publishes in-process, through a silo's gateway (no HTTP).</summary>
public sealed class EmbeddedTarget(MeshGateway gateway, MeshTenants tenants) : IMeshTarget
{
    /// <summary>Publishes through the bench's embedded silo.</summary>
    public EmbeddedTarget(BenchSilo silo)
        : this(silo.Gateway, silo.Tenants)
    {
    }

    /// <inheritdoc />
    public Task PublishAsync(string tenant, EventEnvelope envelope) => gateway.PublishAsync(tenant, envelope);

    /// <inheritdoc />
    public bool IsSettled(string tenant) => tenants.IsSettled(tenant);

    /// <inheritdoc />
    public Task RetireAsync(string tenant) => tenants.RetireAsync(tenant);
}
