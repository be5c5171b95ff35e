using ApexOrleans.Contracts.ChaosPolicy;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Diagnostics;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Grains.Placement;
using ApexOrleans.Grains.Remote;
using ApexOrleans.Grains.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Providers;
using Orleans.Storage;
using Polly;

namespace ApexOrleans.Grains.Deliveries;

/// <summary>
/// The durable queue of one target. Each due item: ask the target's circuit; if allowed, one attempt through
/// the chaos filter to the target app grain; report the outcome to the circuit (unless a success on a healthy one,
/// which changes nothing); on failure retry after
/// exponential backoff, and once the retries are spent keep it queued (still backing off) until the target
/// recovers. An open circuit fails fast and queues the item until the break ends; when a probe closes the
/// circuit the queue drains in order. Nothing accepted is dropped: it is delivered, pending or dead-lettered.
/// </summary>
/// <remarks>
/// Longer than a grain should be, on purpose: enqueue, attempt, retry and failover each change the one queue state
/// inside one turn and are stored by one write, and the crash points between them prove that order. The rules that
/// need no grain live apart (<see cref="CompetingDeliveries"/>, <see cref="DeliveryHistory"/>, <see cref="AttemptTimeouts"/>).
/// </remarks>
[TenantPlacement]
public sealed class DeliveryGrain(
    AppCatalog catalog,
    MeshTenants tenants,
    MeshTelemetry telemetry,
    CrashPoints crash,
    FaultSwitchboard faults,
    AttemptTimeouts attemptTimeouts,
    RemoteApps remoteApps,
    RemoteAttempt remoteAttempt,
    TimeProvider wallClock,
    IOptions<StateJournalOptions> journalOptions) : TenantScopedGrain(tenants), IDeliveryGrain
{
    private QueueJournal _journal = null!;

    // A write refused as stored already could not reload the durable queue: this activation is on its way out.
    private bool _memoryUntrusted;
    private bool _attemptingAtOnce;

    // Whether an attempt of the running turn moved the circuit; turns that failed in a row, and the earliest the next may run.
    private bool _circuitMoved;
    private int _failedTurns;
    private DateTimeOffset? _notBefore;
    private int _reportedDepth;
    private DeliveryHistory _history = null!;
    private string? _fallback;
    private CompetingDeliveries _competing = null!;
    private DeliverySpans _spans = null!;

    private DeliveryQueueState Queue => _journal.State;

    /// <summary>
    /// On a real clock a hung target must not hold the queue: Polly's timeout ends the attempt (sooner for an attempt made
    /// inside its enqueue, whose caller waits for it).
    /// </summary>
    private ResiliencePipeline AttemptPipeline => attemptTimeouts.For(CurrentTenant, _attemptingAtOnce);

    private DeliveryOptions Options => CurrentTenant.Settings.Delivery;

    // The app this queue delivers to: the key's name.
    private string Target => Name;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        _journal = new QueueJournal(QueueJournal.Open(storage, this.GetGrainId(), journalOptions.Value), () =>
        {
            _memoryUntrusted = true; // memory is not the durable queue: no call may be answered from it, nothing of it written
            DeactivateOnIdle();
        }, ForgetUnstoredFailuresAsync);
        await _journal.ReadAsync();
        if (Queue.Pending.Count > 0)
        {
            await ForgetUnstoredFailuresAsync(); // an earlier life may have counted failures whose records it never stored
        }

        _history = new DeliveryHistory(storage, this.GetGrainId(), Queue.FirstHistoryPage);
        var app = catalog.Find(Target);
        _fallback = app?.Fallback;
        _competing = new CompetingDeliveries(app);
        _spans = new DeliverySpans(TenantId, Target);
        ScheduleNext(); // items left from before a restart resume
        ReportDepth();
    }

    /// <inheritdoc />
    /// <remarks>What a failed write left is stored on the way out, if the store answers now; otherwise it goes as with a crash.</remarks>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        telemetry.QueueDepthChanged(-_reportedDepth);
        _reportedDepth = 0;
        _spans?.Deactivated(Queue.Pending);
        if (!_memoryUntrusted)
        {
            await _journal.StoreLeftoversOnceAsync(cancellationToken); // if not, lost as with a crash: the targets refuse their deliveries again
        }
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset> EnqueueAsync(Delivery delivery)
    {
        _circuitMoved = false; // only this call's attempt may keep its failed enqueue from being taken back
        await CatchUpAsync(); // an enqueue answered from memory the store never saw would be acknowledged and lost
        if (delivery.Role == DeliveryRole.Source)
        {
            CurrentTenant.ObserveSequence(delivery.Envelope.Sequence); // a publish: the tenant's sequence has come this far
        }

        var now = CurrentTenant.Clock.GetUtcNow();
        if (!Queue.Enqueued.TryAdd(delivery.InboxKey, now))
        {
            return Queue.Enqueued[delivery.InboxKey];
        }

        _journal.Accepted(delivery.InboxKey, now);
        var delay = CurrentTenant.Settings.Chaos.DeliveryDelay(delivery.Envelope, Target, delivery.Role);
        if (delivery.Role != DeliveryRole.Source)
        {
            delay += faults.DelayFor(TenantId, Target); // an experiment's injected delay comes on top of the run's own
        }

        var item = new DeliveryItem
        {
            Id = Queue.NextId++,
            Delivery = delivery,
            EnqueuedAt = now,
            InjectedDelay = delay,
            NextDueAt = now + delay,
        };
        _spans.Enqueued(item);
        Queue.Pending.Add(item);
        _journal.Touch(item);
        if (delay == TimeSpan.Zero && Queue.Pending.Count == 1 && delivery.Role != DeliveryRole.Fallback && !CurrentTenant.Timeline.IsVirtual)
        {
            // Due now with nothing ahead of it: attempted in this turn, so the enqueue and the attempt's outcome are one
            // durable write, not two, and the delivery skips a trip through the timeline. The attempt is held to the
            // shorter at-once timeout, since the caller waits for it. Never here: a backlog (timeline work, so no caller
            // waits for it), a failed-over delivery (its caller is another queue, possibly failing over many), and any
            // attempt on a virtual clock, which orders every attempt on its timeline.
            _attemptingAtOnce = true;
            try
            {
                await RunDueAsync(now);
            }
            catch (Exception e) when (e is not InconsistentStateException)
            {
                await TakeBackUnstoredAsync(item);
                throw;
            }
            finally
            {
                _attemptingAtOnce = false;
            }

            return now;
        }

        try
        {
            await _journal.WriteAsync();
        }
        catch (Exception e) when (e is not InconsistentStateException)
        {
            await TakeBackUnstoredAsync(item);
            throw;
        }
        finally
        {
            ReportDepth();
            ScheduleNext();
        }

        return now;
    }

    /// <summary>
    /// After a failed enqueue: the caller is told it failed, so a delivery that reached no app is taken back, and nothing
    /// half-done is kept; unless the store took the write after all (its answer lost), and then a retry is answered
    /// "accepted", as the store says. One that an attempt may have reached, or whose attempt moved the circuit (whose
    /// transition names it), stays: those are facts of other grains, and ride on the next write; the caller's retry finds it
    /// accepted. If the store cannot tell (or the circuit cannot be told), the activation goes: the next reads the store,
    /// and with items pending has its circuit forget what it counted.
    /// </summary>
    private async Task TakeBackUnstoredAsync(DeliveryItem item)
    {
        if (_memoryUntrusted || _circuitMoved || item.MayHaveReached || item.FailedOverTo is not null || item.Attempts.Any(a => !FailsBeforeTheApp(a.Fault)))
        {
            return;
        }

        try
        {
            if (await _journal.WithdrawAsync(item.Id, item.Delivery.InboxKey))
            {
                Queue.Enqueued.Remove(item.Delivery.InboxKey);
                Queue.Pending.Remove(item);
                _spans.Withdrawn(item);
                if (item.Attempts.Count > 0)
                {
                    await ForgetUnstoredFailuresAsync(); // the circuit counted the attempts taken back with it
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _memoryUntrusted = true; // neither kept nor taken back for sure: the next activation reads the store
            DeactivateOnIdle();
        }

        ReportDepth();
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> AcceptedAtAsync(string inboxKey)
    {
        await CatchUpAsync(); // an acceptance the store never took is no acceptance yet
        return Queue.Enqueued.TryGetValue(inboxKey, out var at) ? at : null;
    }

    /// <inheritdoc />
    public async Task RunDueAsync()
    {
        await CatchUpAsync();
        await RunDueAsync(CurrentTenant.Clock.GetUtcNow());
    }

    /// <summary>
    /// Attempts every item due at <paramref name="now"/> that no earlier competing item holds up, then writes the queue once.
    /// An item held up is attempted in the same turn once the item ahead of it is delivered, or later when it is. A turn
    /// whose attempts all failed before they reached the app, and moved no circuit, is not written on its own: it rides on
    /// the next write (<see cref="QueueJournal.Defer"/>).
    /// </summary>
    private async Task RunDueAsync(DateTimeOffset now)
    {
        var attempted = new HashSet<long>();
        var written = false;
        var failed = true;
        _circuitMoved = false;
        try
        {
            var circuit = GrainFactory.GetGrain<ICircuitBreakerGrain>(this.GetPrimaryKeyString());
            var mustStore = _journal.HasChanges; // an acceptance, or what a failed write left
            while (Due(now, attempted) is { Count: > 0 } due)
            {
                foreach (var item in due)
                {
                    attempted.Add(item.Id);
                    mustStore |= await AttemptAsync(item, circuit, now);
                }
            }

            if (attempted.Count > 0 && !mustStore)
            {
                _journal.Defer();
            }
            else if (attempted.Count > 0 && _journal.HasUnstored)
            {
                await _history.SealAsync(Queue, Options); // before the queue write that forgets the sealed items
                crash.Pass("delivery.before-queue-write");
                await _journal.WriteAsync(); // if it fails, the attempts' records stay to ride on the next write
                written = true;
            }

            failed = false;
        }
        finally
        {
            ReportDepth();
            // After a failure (a grain that did not answer, a write the store refused) the items it left due are not tried
            // again sooner than the timeline's retry wait, which grows while the failures go on: else the queue would loop,
            // writing an entry each time, for as long as the failure lasts. Any call that schedules the queue keeps to it.
            _failedTurns = failed ? _failedTurns + 1 : 0;
            _notBefore = failed ? CurrentTenant.Clock.GetUtcNow() + TenantTimeline.RetryWait(_failedTurns) : null;
            ScheduleNext();
        }

        if (written)
        {
            await _history.PruneAsync(Queue); // tidying after the batch is stored: it never fails the batch
        }
    }

    /// <summary>Items due at <paramref name="now"/>, not yet attempted in this turn, that no earlier competing item holds up.</summary>
    private List<DeliveryItem> Due(DateTimeOffset now, HashSet<long> attempted)
    {
        var waiting = _competing.Waiting(Queue.Pending);
        return Queue.Pending.Where(i => i.NextDueAt <= now && !attempted.Contains(i.Id) && !waiting.ContainsKey(i.Id))
            .OrderBy(i => i.NextDueAt).ThenBy(i => i.Id).ToList();
    }

    /// <inheritdoc />
    public Task ResumeAsync()
    {
        ScheduleNext();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<DeliveryQueueSnapshot> GetAsync()
    {
        await CatchUpAsync(deferredToo: true); // a reader sees only what the store took
        return new(Target, Queue.Pending.Count, Queue.Pending.Count(i => i.Queued), Queue.DeliveredCount,
            [.. Queue.Pending], await _history.ReadAsync(Queue), [.. Queue.DeadLetters], Queue.FailedOverCount);
    }

    /// <summary>One attempt of <paramref name="item"/>; answers whether the store must take it before the queue goes on.</summary>
    /// <remarks>
    /// It must when the item ended (delivered, failed over, dead-lettered), when the attempt reached the app (which may have
    /// applied it, whatever came back), or when it moved the circuit (whose transition names the attempt). An attempt that
    /// failed before the app, or that the circuit held back, changes only this queue's schedule.
    /// </remarks>
    private async Task<bool> AttemptAsync(DeliveryItem item, ICircuitBreakerGrain circuit, DateTimeOffset now)
    {
        _journal.Touch(item);
        var envelope = item.Delivery.Envelope;
        if (item.FailedOverTo is not null)
        {
            await FailOverAsync(item, now, reason: null); // handed over before a restart, or its handing-over failed: finish it
            return true;
        }

        var permit = await circuit.TryAcquireAsync(now, envelope.Id);
        if (!permit.Allowed && CanFailOver(item))
        {
            await FailOverAsync(item, now, $"circuit {permit.Status}");
            return true;
        }

        if (!permit.Allowed)
        {
            item.Queued = true;
            item.QueuedBecause = $"circuit {permit.Status}";
            item.NextDueAt = permit.RetryAt ?? now + Options.BaseBackoff;
            return false;
        }

        if (item.Queued)
        {
            crash.Pass("queue.drain");
        }

        var number = item.Attempts.Count + 1;
        var sequence = CurrentTenant.CurrentSequence;
        var decision = faults.Decide(TenantId, Target)
            ?? CurrentTenant.Settings.Chaos.DecideAttempt(new DeliveryAttemptContext(envelope, Target, item.Delivery.Role, number, sequence));
        var mayHaveReachedBefore = item.MayHaveReached;
        if (!FailsBeforeTheApp(decision.Fault) && CanFailOver(item))
        {
            // Stored before the call: should its answer never come back (a crash, a rolled-back batch), the item still
            // says it may have been applied here, so it is never failed over to be applied a second time elsewhere.
            item.MayHaveReached = true;
            try
            {
                await _journal.WriteAsync();
            }
            catch (Exception e) when (e is not InconsistentStateException)
            {
                item.MayHaveReached = false; // nothing was sent: the item may still fail over (a refused write reloaded it anyway)
                throw;
            }

            _journal.Touch(item); // it changes again below: the turn's own write carries that
        }

        var span = _spans.Attempting(item, number, decision, permit, now);
        try
        {
            return await AttemptThroughAsync(item, circuit, now, permit, decision, sequence, mayHaveReachedBefore, span);
        }
        finally
        {
            // A timed-out attempt held its caller for the whole timeout: the span shows it on the run's clock.
            var end = decision.Fault == FaultKind.Timeout ? now + Options.AttemptTimeout : CurrentTenant.Clock.GetUtcNow();
            if (item.Attempts.Count == number)
            {
                DeliverySpans.Attempted(span, item.Attempts[^1], end);
            }
            else
            {
                MeshTracing.Drop(span); // it failed before it was an attempt the queue records
            }
        }
    }

    /// <summary>The attempt <see cref="AttemptAsync"/> let through: sent, recorded, settled, and reported to the circuit.</summary>
    private async Task<bool> AttemptThroughAsync(DeliveryItem item, ICircuitBreakerGrain circuit, DateTimeOffset now, CircuitPermit permit, ChaosDecision decision,
        long sequence, bool mayHaveReachedBefore, System.Diagnostics.Activity? span)
    {
        var envelope = item.Delivery.Envelope;
        var number = item.Attempts.Count + 1;
        var started = wallClock.GetTimestamp();
        var answer = await SendAsync(item.Delivery, decision, now, MeshTracing.ParentOf(span));
        var (succeeded, outcome, error) = (answer.Succeeded, answer.Outcome, answer.Error);
        item.Attempts.Add(new AttemptRecord(number, now, decision.Fault, decision.Fault == FaultKind.None ? null : decision.Reason, succeeded, permit.Probe, error, outcome,
            wallClock.GetElapsedTime(started).TotalMilliseconds, sequence, answer.Http));
        telemetry.Attempted(CurrentTenant.Id, Target, item, item.Attempts[^1]);
        if (!mayHaveReachedBefore && item.MayHaveReached && answer.NeverReached)
        {
            item.MayHaveReached = false; // set for this request alone, which no connection carried: it may still fail over
        }

        var mustStore = await SettleAttemptAsync(item, decision.Fault, answer, now);
        // A remote app's permanent refusal says nothing of its health: the circuit does not hear it, unless it answered a
        // probe, which then failed (a probe must succeed to close the circuit, as apex verify requires).
        var reported = !answer.Permanent || permit.Probe;
        if (permit.Probe || (reported && !succeeded && permit.Status == CircuitStatus.Closed && permit.ConsecutiveFailures + 1 >= CurrentTenant.Settings.Circuit.FailureThreshold))
        {
            // This outcome moves the circuit (a probe's closes or reopens it; this failure opens it), whose stored transition
            // names it: the attempts behind the move (this one, and those that rode on no write yet) are stored first, so no
            // crash leaves a transition the evidence cannot bear out. The turn's own write then carries only what follows.
            await _journal.WriteAsync();
        }

        // A success on a healthy circuit is not reported: it changes nothing.
        var transitions = reported && !(succeeded && permit.SuccessChangesNothing) ? await circuit.RecordAsync(now, envelope.Id, succeeded, error) : [];
        DeliverySpans.CircuitMoved(span, transitions);
        var moved = transitions.Count > 0;
        _circuitMoved |= moved;
        return mustStore || moved;
    }

    /// <summary>
    /// What an attempt's outcome makes of <paramref name="item"/>: delivered, dead-lettered, failed over, or due again after
    /// its backoff. Answers whether the store must take it before the queue goes on (it ended, or the attempt reached the app).
    /// </summary>
    private async Task<bool> SettleAttemptAsync(DeliveryItem item, FaultKind fault, AttemptAnswer answer, DateTimeOffset now)
    {
        var number = item.Attempts.Count;
        if (answer.Succeeded)
        {
            item.Outcome = answer.Outcome;
            item.CompletedAt = now;
            _spans.Ended(item, "delivered", now);
            Queue.Pending.Remove(item);
            Queue.Delivered.Add(item);
            Queue.DeliveredCount++;
            return true;
        }

        if (answer.Permanent || number >= Options.DeadLetterAfterAttempts)
        {
            item.DeadLetterReason = answer.Permanent
                ? $"the app refused it for good ({answer.Error}); its answer's body is kept with attempt {number}"
                : $"{number} attempts failed; last: {answer.Error}";
            item.CompletedAt = now;
            _spans.Ended(item, "dead-letter", now);
            Queue.Pending.Remove(item);
            Queue.DeadLetters.Add(item);
            return true;
        }

        // A timed-out attempt held the caller for the whole timeout before the backoff starts.
        var spent = fault == FaultKind.Timeout ? Options.AttemptTimeout : TimeSpan.Zero;
        item.NextDueAt = now + spent + Options.BackoffBefore(number + 1);
        if (answer.Remote?.RetryAfterSeconds is { } retryAfter)
        {
            // The app said when to come back: honoured, up to the longest wait a queue ever makes.
            var asked = now + TimeSpan.FromSeconds(Math.Min(retryAfter, Options.MaxQueueBackoff.TotalSeconds));
            item.NextDueAt = asked > item.NextDueAt ? asked : item.NextDueAt;
        }
        if (number > Options.MaxRetries && CanFailOver(item))
        {
            await FailOverAsync(item, now, "retries exhausted"); // the second provider takes it
            return true;
        }

        if (number > Options.MaxRetries)
        {
            item.Queued = true;
            item.QueuedBecause = "retries exhausted";
        }

        return !FailsBeforeTheApp(fault) && !answer.NeverReached;
    }

    /// <summary>
    /// Whether the item may go to this target's fallback instead: only a delivery to this app as a target (never its
    /// own fact, never one it stands in for), and only if no attempt may have reached it. An attempt that was sent to
    /// the app (even one whose answer was lost or never recorded), or that timed out, may have applied the effect here:
    /// failing it over could apply it twice, so it waits for this target as any other delivery does.
    /// </summary>
    private bool CanFailOver(DeliveryItem item) =>
        _fallback is not null && item.Delivery.Role == DeliveryRole.Target && !item.MayHaveReached
        && item.Attempts.All(NeverReached);

    /// <summary>
    /// Whether the attempt surely never reached the app: an injected outage, network failure or server error, or a remote
    /// app that no connection reached. A timeout may have, as may any answer (a 503 too: a proxy says it after a crash).
    /// </summary>
    private static bool NeverReached(AttemptRecord attempt) =>
        !attempt.Succeeded && (attempt.Fault is FaultKind.Outage or FaultKind.NetworkFailure or FaultKind.ServerError
            || attempt.Http is [{ Answer: RemoteAnswer.Refused }, ..]); // whatever else the chaos drew, nothing was sent

    /// <summary>Whether an attempt with this injected fault fails before it calls the target app (every other one calls it).</summary>
    private static bool FailsBeforeTheApp(FaultKind fault) => fault is FaultKind.NetworkFailure or FaultKind.Timeout or FaultKind.ServerError or FaultKind.Outage;

    /// <summary>
    /// Hands the item to the fallback's queue. The decision is stored first (with <paramref name="reason"/>; null when it
    /// was stored before), so the item is never delivered here as well, whatever happens next; the fallback's enqueue is
    /// idempotent, so repeating it after a crash changes nothing.
    /// </summary>
    private async Task FailOverAsync(DeliveryItem item, DateTimeOffset now, string? reason)
    {
        if (item.FailedOverTo is null)
        {
            item.FailedOverTo = _fallback;
            item.QueuedBecause = $"{reason}; failed over to {_fallback}";
            await _journal.WriteAsync();
            _journal.Touch(item);
        }

        crash.Pass(CrashPoints.FailoverPoint);
        await GrainFactory.GetGrain<IDeliveryGrain>(MeshKeys.For(TenantId, item.FailedOverTo!))
            .EnqueueAsync(new Delivery(item.Delivery.Envelope, DeliveryRole.Fallback, StandsInFor: Target));
        item.CompletedAt = now;
        Queue.Pending.Remove(item);
        Queue.Delivered.Add(item);
        Queue.FailedOverCount++;
        _spans.Ended(item, "failed-over", now, item.FailedOverTo);
        telemetry.FailedOver(CurrentTenant.Id, Target, item.FailedOverTo!, item);
    }

    /// <summary>
    /// The chaos filter between delivery and the target app: what the fault does to the call, to the app's grain or, for a
    /// remote app, to its endpoint (<see cref="RemoteAttempt"/>).
    /// </summary>
    private async Task<AttemptAnswer> SendAsync(Delivery delivery, ChaosDecision decision, DateTimeOffset now, string? traceParent)
    {
        if (FailsBeforeTheApp(decision.Fault))
        {
            return new(false, null, $"{decision.Fault}: {decision.Reason}");
        }

        // The app's apply continues the attempt's span: the call carries it, as HTTP carries a traceparent header.
        if (traceParent is null)
        {
            return await SendToAppAsync(delivery, decision, now, traceParent);
        }

        RequestContext.Set(MeshTracing.CallerKey, traceParent);
        try
        {
            return await SendToAppAsync(delivery, decision, now, traceParent);
        }
        finally
        {
            RequestContext.Remove(MeshTracing.CallerKey);
        }
    }

    private async Task<AttemptAnswer> SendToAppAsync(Delivery delivery, ChaosDecision decision, DateTimeOffset now, string? traceParent)
    {

        var app = GrainFactory.GetGrain<IAppGrain>(this.GetPrimaryKeyString());
        crash.Pass("delivery.before-apply");
        if (remoteApps.EndpointOf(Target) is { } endpoint)
        {
            var readTimeout = _attemptingAtOnce ? Options.AtOnceAttemptLimit : Options.AttemptTimeout;
            return await remoteAttempt.SendAsync(endpoint, remoteApps.Secret!, TenantId, Target, delivery, decision, now, Options, readTimeout, app, traceParent);
        }

        try
        {
            var result = await AttemptPipeline.ExecuteAsync(async token => await app.ApplyAsync(delivery).WaitAsync(token));
            if (decision.Fault == FaultKind.Duplicate)
            {
                await app.ApplyAsync(delivery); // the network delivered it twice; the app refuses the second
            }

            return decision.Fault == FaultKind.ResponseLost
                ? new(false, result.Status, $"ResponseLost: {decision.Reason}")
                : new(true, result.Status, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var cause = e.Cause(); // as the app's storage threw it, not as Orleans wrapped it
            return new(false, null, $"{cause.GetType().Name}: {cause.Message}");
        }
    }

    /// <summary>
    /// The queue lost, or may have lost, records of failures it reported to its circuit: the circuit forgets what it counted
    /// since its last write, so an opening is only ever borne out by records the queue holds (it comes later, at worst).
    /// </summary>
    private Task ForgetUnstoredFailuresAsync() => GrainFactory.GetGrain<ICircuitBreakerGrain>(this.GetPrimaryKeyString()).ForgetUnstoredFailuresAsync();

    /// <summary>Before a call goes on from memory: what a failed write left is stored first, or the call fails and its caller retries.</summary>
    private async Task CatchUpAsync(bool deferredToo = false)
    {
        RefuseUntrustedMemory();
        await _journal.StoreLeftoversAsync(deferredToo);
        RefuseUntrustedMemory();
    }

    /// <summary>Calls queued behind a refused write whose reload failed too fail, and their callers retry on the next activation.</summary>
    private void RefuseUntrustedMemory()
    {
        if (_memoryUntrusted)
        {
            throw new InvalidOperationException($"The queue of '{Target}' of tenant '{TenantId}' is reloading after a failed write; try again.");
        }
    }

    /// <summary>Tells telemetry how the queue's length changed since it last reported.</summary>
    private void ReportDepth()
    {
        var depth = Queue.Pending.Count;
        telemetry.QueueDepthChanged(depth - _reportedDepth);
        _reportedDepth = depth;
    }

    /// <summary>
    /// Schedules the next run: when the first item not held up by a competing one is due, and no later than the timeline's
    /// retry wait from now while a failed write's changes wait to be stored; never before a failed turn's retry wait is over.
    /// </summary>
    private void ScheduleNext()
    {
        var waiting = _competing.Waiting(Queue.Pending);
        var next = Queue.Pending.Where(i => !waiting.ContainsKey(i.Id)).Select(i => (DateTimeOffset?)i.NextDueAt).Min();
        if (_journal.HasChanges && !_memoryUntrusted)
        {
            var flush = CurrentTenant.Clock.GetUtcNow() + TenantTimeline.RetryAfterFailure;
            next = next is { } due && due < flush ? due : flush;
        }

        if (next is not { } at)
        {
            return;
        }

        var self = GrainFactory.GetGrain<IDeliveryGrain>(this.GetPrimaryKeyString());
        CurrentTenant.Timeline.Schedule($"deliver/{Target}", _notBefore is { } earliest && earliest > at ? earliest : at, self.RunDueAsync);
    }
}
