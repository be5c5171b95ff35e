using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Contracts.Apps;

namespace ApexOrleans.Client.Running;

/// <summary>What replaying a scenario's day for one tenant did: its publishes, circuit states around beats, and each publish's wall time.</summary>
public sealed record DayRun(
    string Tenant, List<PublishRecord> Publishes, List<ChangedPayloadRecord> ChangedPayloadReplays, List<BeatCircuitStates> BeatCircuits, List<double> PublishMilliseconds);

/// <summary>
/// How a day goes on through a silo that fails calls for a while (an experiment's storage outage): a failed call
/// is tried again every <see cref="Interval"/> until <see cref="GiveUpAfter"/>; each try is reported to <see cref="Tried"/> and each failure to <see cref="Failed"/>.
/// A publish the mesh refused (<see cref="PublishRejectedException"/>) is an answer, never retried.
/// </summary>
public sealed record CallRetry(TimeSpan Interval, TimeSpan GiveUpAfter, Action Tried, Action<Exception> Failed)
{
    /// <summary>Runs <paramref name="call"/> under this policy (once, when <paramref name="retry"/> is null).</summary>
    public static async Task<T> RunAsync<T>(CallRetry? retry, TimeProvider wallClock, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var started = wallClock.GetTimestamp();
        while (true)
        {
            retry?.Tried();
            try
            {
                return await call();
            }
            catch (Exception e) when (retry is not null && e is not PublishRejectedException && e is not OperationCanceledException
                                      && wallClock.GetElapsedTime(started) < retry.GiveUpAfter)
            {
                retry.Failed(e);
                await Task.Delay(retry.Interval, wallClock, cancellationToken);
            }
        }
    }
}

/// <summary>
/// One tenant's day: configure the tenant, publish each beat at its time on the tenant's clock (and a scripted
/// duplicate again), let retries and queues settle, then read the evidence back. <c>apex run</c> replays one day
/// (and its control); <c>apex load</c> replays many at once. A publish answered "in progress" has no answer yet: it is
/// sent again (<see cref="InProgressWaitOptions"/>), so every beat's record is an accepted event or its duplicate.
/// </summary>
public sealed class TenantDay(IMeshSession session, TimeProvider wallClock, InProgressWaitOptions? inProgressWait = null)
{
    private readonly InProgressWaitOptions _inProgressWait = inProgressWait ?? new InProgressWaitOptions();

    /// <summary>How long after the last beat the run waits (on its clock) for retries and queues to finish.</summary>
    public static readonly TimeSpan SettleLimit = TimeSpan.FromDays(7);

    /// <summary>Replays <paramref name="scenario"/> as <paramref name="tenant"/>; <paramref name="progress"/> gets each beat when given.</summary>
    /// <remarks>With <paramref name="retry"/>, reads and publishes that fail are tried again (the same event, the same key).</remarks>
    /// <remarks><paramref name="beforeBeat"/>, when given, runs once the clock has reached a beat's time, before it is published (an apps host's outage edges).</remarks>
    public async Task<DayRun> ReplayAsync(Scenario scenario, string tenant, RunSettings settings, bool listed, IRunProgress? progress, CancellationToken cancellationToken,
        CallRetry? retry = null, Func<ScenarioBeat, CancellationToken, Task>? beforeBeat = null)
    {
        await session.StartTenantAsync(tenant, settings, listed, cancellationToken);
        var publishes = new List<PublishRecord>();
        var replays = new List<ChangedPayloadRecord>();
        var circuits = new List<BeatCircuitStates>();
        var publishMs = new List<double>();
        IReadOnlyDictionary<string, CircuitStatus>? before = null;
        foreach (var beat in scenario.Beats)
        {
            await session.AdvanceAsync(tenant, beat.Time, cancellationToken);
            if (beforeBeat is not null)
            {
                await beforeBeat(beat, cancellationToken);
            }

            var now = await CallRetry.RunAsync(retry, wallClock, () => StatusesAsync(tenant, cancellationToken), cancellationToken);
            if (before is not null)
            {
                circuits.Add(new BeatCircuitStates(beat.Number - 1, before, now));
            }

            before = now;
            var receipt = await CallRetry.RunAsync(retry, wallClock, () => TimedPublishAsync(tenant, beat, beat.Event, publishMs, cancellationToken), cancellationToken);
            publishes.Add(new PublishRecord(beat.Number, beat.Event, receipt, Repeated: false));
            PublishReceipt? repeated = null;
            if (!settings.Control && beat.Chaos.Duplicate)
            {
                // The scenario scripts a duplicate: the client sends the same event again.
                repeated = await CallRetry.RunAsync(retry, wallClock, () => TimedPublishAsync(tenant, beat, beat.Event, publishMs, cancellationToken), cancellationToken);
                publishes.Add(new PublishRecord(beat.Number, beat.Event, repeated, Repeated: true));
            }

            if (!settings.Control && beat.ReplayWithChangedPayload is { } changed)
            {
                // The scenario scripts a client retry under the beat's key with another payload: the mesh must refuse it.
                replays.Add(await CallRetry.RunAsync(retry, wallClock, () => ReplayChangedAsync(tenant, beat, changed, publishMs, cancellationToken), cancellationToken));
            }

            progress?.BeatPublished(new BeatProgress(beat, receipt, repeated, now) { ChangedPayloadAnswer = replays.LastOrDefault(r => r.Beat == beat.Number)?.Answer });
        }

        await session.SettleAsync(tenant, scenario.Beats[^1].Time + SettleLimit, cancellationToken);
        circuits.Add(new BeatCircuitStates(scenario.Beats[^1].Number, before!,
            await CallRetry.RunAsync(retry, wallClock, () => StatusesAsync(tenant, cancellationToken), cancellationToken)));
        return new DayRun(tenant, publishes, replays, circuits, publishMs);
    }

    /// <summary>
    /// Reads everything the bundle needs back from the silo once the day has settled; the apps' records from
    /// <paramref name="records"/> when given (the apps host that served them), else from the mesh's app grains.
    /// </summary>
    public async Task<RunRecord> ReadBackAsync(Scenario scenario, DayRun day, RunSettings settings, string controlState, DateTimeOffset startedAt, CancellationToken cancellationToken,
        IAppRecords? records = null)
    {
        var tenant = day.Tenant;
        records ??= session;
        var apps = await records.AppsAsync(tenant, cancellationToken);
        var keys = new Dictionary<string, IdempotencyState?>();
        foreach (var beat in scenario.Beats)
        {
            keys[beat.Event.IdempotencyKey] = await session.IdempotencyAsync(tenant, beat.Event.SourceApp, beat.Event.IdempotencyKey, cancellationToken);
        }

        return new RunRecord
        {
            RunId = tenant,
            Scenario = scenario,
            Seed = settings.Chaos.Seed,
            Silo = session.Silo,
            Storage = session.Storage,
            Clock = settings.Clock.ToString().ToLowerInvariant(),
            TimeScale = settings.Clock == RunClock.Real ? settings.TimeScale : 0,
            Publishes = day.Publishes,
            ChangedPayloadReplays = day.ChangedPayloadReplays,
            BeatCircuits = day.BeatCircuits,
            Apps = apps,
            Receipts = await records.ReceiptsAsync(tenant, cancellationToken),
            Circuits = await session.CircuitsAsync(tenant, cancellationToken),
            Queues = await session.QueuesAsync(tenant, cancellationToken),
            Traces = await session.TracesAsync(tenant, cancellationToken),
            Keys = keys,
            FinalState = TenantStateReader.Canonical(apps),
            ControlState = controlState,
            StartedAt = startedAt,
            FinishedAt = wallClock.GetUtcNow(),
        };
    }

    /// <summary>Publishes the beat's event with a changed payload; a refusal is its answer, as an acceptance would be.</summary>
    private async Task<ChangedPayloadRecord> ReplayChangedAsync(string tenant, ScenarioBeat beat, EventEnvelope changed, List<double> publishMs, CancellationToken cancellationToken)
    {
        try
        {
            var receipt = await TimedPublishAsync(tenant, beat, changed, publishMs, cancellationToken);
            return new ChangedPayloadRecord(beat.Number, changed, receipt.AcceptedAt, receipt.Status.ToString().ToLowerInvariant());
        }
        catch (PublishRejectedException refused)
        {
            return new ChangedPayloadRecord(beat.Number, changed, beat.Time, ChangedPayloadRecord.AnswerOf(refused.Rejection));
        }
    }

    private async Task<PublishReceipt> TimedPublishAsync(string tenant, ScenarioBeat beat, EventEnvelope envelope, List<double> publishMs, CancellationToken cancellationToken)
    {
        var started = wallClock.GetTimestamp();
        var receipt = await session.PublishAsync(tenant, envelope, cancellationToken);
        while (receipt.Status == PublishStatus.InProgress)
        {
            if (wallClock.GetElapsedTime(started) >= _inProgressWait.GiveUpAfter)
            {
                throw new EnvironmentFailureException(
                    $"beat {beat.Number}: the publish of '{beat.Event.IdempotencyKey}' was still answered \"in progress\" after {_inProgressWait.GiveUpAfter}: " +
                    "another attempt of it holds the key and neither finishes nor gives it up.");
            }

            await Task.Delay(_inProgressWait.Pause, wallClock, cancellationToken);
            receipt = await session.PublishAsync(tenant, envelope, cancellationToken);
        }

        publishMs.Add(wallClock.GetElapsedTime(started).TotalMilliseconds);
        return receipt;
    }

    private async Task<IReadOnlyDictionary<string, CircuitStatus>> StatusesAsync(string tenant, CancellationToken cancellationToken) =>
        (await session.CircuitsAsync(tenant, cancellationToken)).ToDictionary(c => c.Key, c => c.Value.Status);
}
