using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Client.Experiments;

/// <summary>What one tenant of the traffic ended as: its guarantees, scored like apex run (and its deliveries failed over to a fallback), or why it could not be scored.</summary>
public sealed record TenantScore(
    string Tenant, bool Passed, int DuplicateEffects, int LostDeliveries, bool DivergedFromControl, string? Error, IReadOnlyList<string>? Broken = null, int FailedOver = 0);

/// <summary>
/// The experiment's traffic: tenants replaying the scenario's day on a real clock, a new one every
/// 1/rate seconds (times the burst factor while a burst is on), each scored like <c>apex run</c> once it settles.
/// Calls that fail (a storage outage) are tried again, so accepted work is never abandoned by the client.
/// </summary>
public sealed class ExperimentTraffic(
    IMeshSession session, Scenario scenario, RunSettings settings, string controlState, string runId, ExperimentMethod method,
    TimeSpan settleBudget, TimeProvider wallClock)
{
    /// <summary>How many keys of a finished tenant a key replay publishes again (each twice: same and altered payload).</summary>
    public const int ReplayedKeysPerTenant = 3;

    private readonly ConcurrentDictionary<string, Task> _inFlight = new();
    private readonly ConcurrentQueue<TenantScore> _scores = new();
    private readonly TenantDay _day = new(session, wallClock);
    private long _callsTried;
    private long _callFailures;
    private int _started;
    private int _skipped;
    private int _replaysTried;
    private int _replaysRefused;
    private int _replaysExecuted;

    /// <summary>Multiplies the tenant start rate (a burst sets it above 1).</summary>
    public double RateFactor { get; set; } = 1;

    /// <summary>While true, every tenant that finishes its day has its keys replayed before it is scored.</summary>
    public bool ReplayKeys { get; set; }

    /// <summary>Calls made to the silo (publishes and reads), counting every retry.</summary>
    public long CallsTried => Interlocked.Read(ref _callsTried);

    /// <summary>Calls that failed.</summary>
    public long CallFailures => Interlocked.Read(ref _callFailures);

    /// <summary>Tenants started so far.</summary>
    public int Started => Volatile.Read(ref _started);

    /// <summary>Tenants whose day is still running.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>Tenants started before now that have not yet settled and been scored.</summary>
    public IReadOnlyCollection<string> Unsettled => [.. _inFlight.Keys];

    /// <summary>Every tenant's score so far.</summary>
    public IReadOnlyList<TenantScore> Scores => [.. _scores];

    /// <summary>The traffic's figures for the journal.</summary>
    public TrafficRecord Record() => new(
        scenario.Name, scenario.Sha256, method.BeatInterval.TotalMilliseconds, method.TenantsPerSecond, Started, _scores.Count(s => s.Error is null),
        Volatile.Read(ref _skipped), CallsTried, CallFailures, Volatile.Read(ref _replaysTried), Volatile.Read(ref _replaysRefused), Volatile.Read(ref _replaysExecuted));

    /// <summary>Starts tenants until <paramref name="stop"/> is cancelled; the tenants started go on until they settle (or <paramref name="abandon"/>).</summary>
    public async Task GenerateAsync(CancellationToken stop, CancellationToken abandon)
    {
        var next = wallClock.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            var wait = TimeSpan.FromSeconds(1 / (method.TenantsPerSecond * Math.Max(RateFactor, 1e-6))) - wallClock.GetElapsedTime(next);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, wallClock, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            next = wallClock.GetTimestamp();
            if (_inFlight.Count >= method.MaxTenantsInFlight)
            {
                Interlocked.Increment(ref _skipped); // the silo is not keeping up: shown, never queued without bound
                continue;
            }

            var tenant = $"{runId}-{Interlocked.Increment(ref _started).ToString("D5", CultureInfo.InvariantCulture)}";
            _inFlight[tenant] = Task.Run(() => TenantAsync(tenant, abandon), CancellationToken.None);
        }
    }

    /// <summary>Waits until every tenant started has finished, or until <paramref name="limit"/>; true when all did.</summary>
    public async Task<bool> DrainAsync(TimeSpan limit)
    {
        var tasks = _inFlight.Values.ToArray();
        var all = Task.WhenAll(tasks);
        return await Task.WhenAny(all, Task.Delay(limit, wallClock)) == all;
    }

    private async Task TenantAsync(string tenant, CancellationToken abandon)
    {
        var retry = new CallRetry(TimeSpan.FromMilliseconds(250), settleBudget, () => Interlocked.Increment(ref _callsTried), _ => Interlocked.Increment(ref _callFailures));
        try
        {
            var startedAt = wallClock.GetUtcNow();
            var run = await _day.ReplayAsync(scenario, tenant, settings, listed: false, progress: null, abandon, retry);
            await CallRetry.RunAsync(retry, wallClock, async () =>
            {
                await session.SettleAsync(tenant, await session.NowAsync(tenant, abandon) + settleBudget, abandon);
                return true;
            }, abandon);
            if (ReplayKeys)
            {
                await ReplayAsync(tenant, retry, abandon);
            }

            var record = await CallRetry.RunAsync(retry, wallClock, () => _day.ReadBackAsync(scenario, run, settings, controlState, startedAt, abandon), abandon);
            var files = EvidenceFiles.From(record);
            var scorecard = Scorecard.Evaluate(record, files, RunMetrics.From(files.Events));
            var twice = scorecard.Criteria.Single(c => c.Id == "idempotency").Figures["appliedTwice"] is int n ? n : 0;
            var lost = files.Events.Count(e => e.Kind == "delivery" && !e.Ended);
            var failedOver = files.Events.Count(e => e.Kind == "delivery" && e.FailedOver);
            _scores.Enqueue(new TenantScore(tenant, scorecard.Passed, twice, lost, record.FinalState != record.ControlState, null,
                scorecard.Criteria.Where(c => c.Level == CriterionLevel.Must && !c.Holds).Select(c => $"{c.Id}: {c.Detail}").ToList(), failedOver));
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            _scores.Enqueue(new TenantScore(tenant, false, 0, 0, false, "abandoned when the experiment was interrupted"));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _scores.Enqueue(new TenantScore(tenant, false, 0, 0, false, $"{e.GetType().Name}: {e.Message}"));
        }
        finally
        {
            try
            {
                await session.EndTenantAsync(tenant, CancellationToken.None);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                // Not retired (not settled, or the silo is away): its data is in storage either way.
            }

            _inFlight.TryRemove(tenant, out _);
        }
    }

    /// <summary>
    /// Publishes some of the tenant's used keys again: once as sent (must be answered with the original receipt) and once
    /// with an altered payload (must be refused as a conflict). Anything else counts as a replay executed.
    /// </summary>
    private async Task ReplayAsync(string tenant, CallRetry retry, CancellationToken cancellationToken)
    {
        foreach (var beat in scenario.Beats.Take(ReplayedKeysPerTenant))
        {
            var altered = beat.Event with
            {
                Id = $"{beat.Event.Id}-replay",
                Data = Altered(beat.Event),
            };
            foreach (var (envelope, refusedAs) in new[] { (beat.Event, "duplicate"), (altered, "conflict") })
            {
                Interlocked.Increment(ref _replaysTried);
                try
                {
                    var receipt = await CallRetry.RunAsync(retry, wallClock, () => session.PublishAsync(tenant, envelope, cancellationToken), cancellationToken);
                    Interlocked.Increment(ref refusedAs == "duplicate" && receipt.Status == PublishStatus.Duplicate ? ref _replaysRefused : ref _replaysExecuted);
                }
                catch (PublishRejectedException rejected) when (refusedAs == "conflict" && rejected.Rejection.Code == "idempotency_conflict")
                {
                    Interlocked.Increment(ref _replaysRefused);
                }
                catch (PublishRejectedException)
                {
                    Interlocked.Increment(ref _replaysExecuted); // refused for another reason: not the guarantee under test
                }
            }
        }
    }

    private static System.Text.Json.JsonElement Altered(EventEnvelope envelope)
    {
        var data = JsonNode.Parse(envelope.Data.GetRawText())!.AsObject();
        data["replayed"] = true;
        return System.Text.Json.JsonSerializer.SerializeToElement(data);
    }
}
