using ApexOrleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

using MemoryGrainStorage = ApexOrleans.Storage.MemoryGrainStorage;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Diagnostics;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Grains.Publishing;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Mesh.Tests;

public sealed class AtomicityTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AFailedStateWriteLosesNothingAndNeverSplitsAnEffectFromItsReceipt(bool commitThenFail)
    {
        var flaky = new FlakyGrainStorage(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()));
        await using var silo = await MeshSilo.StartOverAsync(flaky);
        var tenant = silo.Tenant(commitThenFail ? "ack-lost" : "write-lost");
        // The payment comes before its invoice, so FLOWBills holds it; the write of that hold fails, before the
        // row is written or after it committed. A retry must not be answered from memory the store never saw.
        flaky.FailNext("app", "flowbills", times: 1, afterCommit: commitThenFail);
        await silo.PublishAsync(tenant, SarahsDay.Get(12).Event);
        await MeshSilo.SettleAsync(tenant);
        await silo.CollectIdleActivationsAsync(); // memory gone: only the store speaks now

        await MeshGuarantees.PublishBeatsAsync(silo, tenant, 4);

        var stored = await StoredStates.BooksAsync(flaky.Inner, tenant.Id, "flowbills");
        Assert.Equal(1, flaky.Failures);
        foreach (var (table, rows) in stored.Tables)
        {
            foreach (var key in rows.Keys)
            {
                Assert.Contains(stored.Inbox.Values, r => r.Effects.Contains($"{table}/{key}"));
            }
        }

        foreach (var receipt in stored.Inbox.Values)
        {
            Assert.All(receipt.Effects, effect =>
                Assert.True(stored.Tables.TryGetValue(effect.Split('/')[0], out var rows) && rows.ContainsKey(effect.Split('/', 2)[1]), $"receipt claims {effect}"));
        }

        Assert.Equal("pay-001", Assert.Single(stored.Tables["payments"]).Key);
        Assert.Single(stored.Inbox.Values, r => r.EventType == "flowbills:payment.received");
        Assert.Equal("paid", stored.Tables["invoices"]["inv-001"].View()["status"]!.GetValue<string>());
        Assert.Empty(stored.Held);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task AnEnqueueAttemptedAtOnceWhoseOneWriteFailsIsAppliedOnceAndCompletedOnRetry(bool commitThenFail, bool retryElsewhere)
    {
        var flaky = new FlakyGrainStorage(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()));
        await using var silo = await MeshSilo.StartOverAsync(flaky);
        // A real clock: a delivery into an empty queue is attempted in the enqueue's turn, and the queue's one write holds
        // both the item and its outcome. The claim's in-progress timeout is far away: a retried publish resumes the claim
        // at once because its gateway gave it up (another gateway retries) or claims it again itself, never "in progress".
        var tenant = silo.Tenant($"rt-{(commitThenFail ? "ack" : "write")}-lost{(retryElsewhere ? "-elsewhere" : "")}", adjust: s => s with
        {
            Clock = TimeProvider.System, Idempotency = s.Idempotency with { InProgressTimeout = TimeSpan.FromDays(1) },
        });
        var retryGateway = retryElsewhere
            ? new MeshGateway(silo.Grains, silo.Services.GetRequiredService<AppCatalog>(), silo.Services.GetRequiredService<MeshTelemetry>(),
                new CrashPoints(null), GatewayIncarnation.OfClient())
            : silo.Gateway;
        var invoice = SarahsDay.Get(1).Event;
        flaky.FailNext("queue", invoice.SourceApp, times: 1, afterCommit: commitThenFail);

        // The source app applied the invoice before its queue's write failed: the publish fails, the effect is durable.
        Assert.IsType<IOException>((await Assert.ThrowsAnyAsync<Exception>(() => silo.PublishAsync(tenant, invoice))).Cause());
        var applied = await StoredStates.BooksAsync(flaky.Inner, tenant.Id, invoice.SourceApp);
        Assert.Single(applied.Inbox.Values, r => r.EventId == invoice.Id);
        var retried = await retryGateway.PublishAsync(tenant.Id, invoice);
        await tenant.Timeline.SettleAsync(DateTimeOffset.MaxValue).WaitAsync(TimeSpan.FromSeconds(30));
        await silo.CollectIdleActivationsAsync(); // memory gone: only the store speaks now

        Assert.Equal(1, flaky.Failures);
        Assert.Equal(PublishStatus.Accepted, retried.Status);
        // Lost before the write: the queue kept the attempt's record and stored it before answering the retry. Lost after:
        // the retry's write was refused as already stored, and the reloaded queue knew it was done. Neither asks the app again.
        var source = await StoredStates.BooksAsync(flaky.Inner, tenant.Id, invoice.SourceApp);
        Assert.Equal(0, Assert.Single(source.Inbox.Values).DuplicatesRefused);
        foreach (var app in invoice.Targets.Append(invoice.SourceApp))
        {
            var stored = await StoredStates.BooksAsync(flaky.Inner, tenant.Id, app);
            Assert.Single(stored.Inbox.Values, r => r.EventId == retried.EventId);
            Assert.Empty(stored.Outbox);

            var queue = await StoredStates.QueueAsync(flaky.Inner, tenant.Id, app);
            Assert.Empty(queue.Pending);
            Assert.Equal(1, queue.DeliveredCount);
        }
    }

    [Fact]
    public async Task APublishToAnAppSlowerThanTheAtOnceTimeoutIsAcceptedAndAppliedOnce()
    {
        var slow = new FlakyGrainStorage(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()));
        await using var silo = await MeshSilo.StartOverAsync(slow);
        var tenant = silo.Tenant("rt-slow-app", adjust: s => s with
        {
            Clock = TimeProvider.System,
            Delivery = s.Delivery with { AtOnceAttemptTimeout = TimeSpan.FromMilliseconds(100), BaseBackoff = TimeSpan.FromMilliseconds(50) },
        });
        var invoice = SarahsDay.Get(1).Event;
        slow.DelayNext("app", invoice.SourceApp, TimeSpan.FromSeconds(1));

        // The enqueue gives up on the slow attempt after the at-once timeout: the publish is accepted without waiting for
        // the app, and the queue retries it from the timeline, where the app refuses what it had applied meanwhile.
        var receipt = await silo.PublishAsync(tenant, invoice).WaitAsync(TimeSpan.FromSeconds(10));
        await tenant.Timeline.SettleAsync(DateTimeOffset.MaxValue).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(PublishStatus.Accepted, receipt.Status);
        var queue = await silo.QueueAsync(tenant, invoice.SourceApp);
        var delivered = Assert.Single(queue.Delivered);
        Assert.False(delivered.Attempts[0].Succeeded);
        Assert.Equal(ApplyStatus.Duplicate, delivered.Outcome);
        var app = await silo.AppAsync(tenant, invoice.SourceApp);
        Assert.Equal(1, app.Tables.Values.Sum(rows => rows.Count));
    }

    [Fact]
    public async Task CallsQueuedBehindAFailedApplyThatCouldNotReloadItsStateAreNeverAnsweredFromMemory()
    {
        var flaky = new FlakyGrainStorage(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()));
        await using var silo = await MeshSilo.StartOverAsync(flaky);
        var tenant = silo.Tenant("rt-untrusted");
        var session = MeshGuarantees.Session("s-1");
        var delivery = new Delivery(session, DeliveryRole.Target);
        var omnihub = silo.Grains.GetGrain<IAppGrain>(MeshKeys.For(tenant.Id, "omnihub"));
        await omnihub.GetAsync(); // activated: its first read is done

        // The apply's write fails, the reload after it fails too, and a copy of the delivery waits behind it meanwhile: the
        // write is held until the copy is queued (a call is in the mailbox when the call returns), not timed around it.
        var held = flaky.HoldNext("app", "omnihub");
        flaky.FailNext("app", "omnihub", times: 1, afterCommit: false);
        flaky.FailNextRead("app", $"{tenant.Id}/omnihub");
        var first = omnihub.ApplyAsync(delivery);
        await held.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var queued = omnihub.ApplyAsync(delivery);
        held.Release();

        Assert.IsType<IOException>((await Assert.ThrowsAnyAsync<Exception>(() => first)).Cause()); // as storage threw it, or wrapped by Orleans
        Assert.Equal((1, 1), (flaky.Failures, flaky.ReadFailures));
        // Memory still held the receipt of an effect that was never stored: answering "duplicate" from it would lose the
        // effect. Orleans forwards the queued call to a new activation, which loads the durable state and applies it; had it
        // reached the old activation, that one would have refused it. Either way the first answer after the failure is
        // "applied", and every later copy is a duplicate.
        var answers = new List<ApplyStatus>();
        try
        {
            answers.Add((await queued).Status);
        }
        catch (InvalidOperationException)
        {
        }

        ApplyResult? retried = null;
        for (var i = 0; i < 50 && retried is null; i++)
        {
            try
            {
                retried = await omnihub.ApplyAsync(delivery);
            }
            catch (InvalidOperationException)
            {
                await Task.Delay(100); // the refusing activation is still on its way out
            }
        }

        answers.Add(Assert.IsType<ApplyResult>(retried).Status);
        Assert.Equal(ApplyStatus.Applied, answers[0]);
        Assert.Single(answers, a => a == ApplyStatus.Applied);
        var stored = await StoredStates.BooksAsync(flaky.Inner, tenant.Id, "omnihub");
        Assert.Single(stored.Inbox.Values, r => r.EventId == session.Id);
    }


    /// <summary>Fails chosen writes, before or after passing them to the real storage.</summary>
    private sealed class FlakyGrainStorage(IGrainStorage inner) : IGrainStorage
    {
        private string? _stateName;
        private string? _keySuffix;
        private int _remaining;
        private bool _afterCommit;
        private (string StateName, string KeySuffix, Func<Task> Wait)? _hold;
        private (string StateName, string Key)? _failRead;

        public IGrainStorage Inner => inner;

        public int Failures { get; private set; }

        public int ReadFailures { get; private set; }

        public void FailNext(string stateName, string keySuffix, int times, bool afterCommit) =>
            (_stateName, _keySuffix, _remaining, _afterCommit) = (stateName, $"/{keySuffix}", times, afterCommit);

        /// <summary>Fails the next read of the state of the grain keyed <paramref name="key"/>.</summary>
        public void FailNextRead(string stateName, string key) => _failRead = (stateName, key);

        /// <summary>Makes the next write of the state wait <paramref name="delay"/> before it is stored.</summary>
        public void DelayNext(string stateName, string keySuffix, TimeSpan delay) =>
            _hold = (stateName, $"/{keySuffix}", () => Task.Delay(delay));

        /// <summary>Holds the next write of the state before it is stored, until the test releases it.</summary>
        public HeldWrite HoldNext(string stateName, string keySuffix)
        {
            var held = new HeldWrite();
            _hold = (stateName, $"/{keySuffix}", held.WaitAsync);
            return held;
        }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            lock (this)
            {
                if (_failRead is { } r && stateName == r.StateName && grainId.Key.ToString() == r.Key)
                {
                    _failRead = null;
                    ReadFailures++;
                    return Task.FromException(new IOException("Simulated storage failure of a read."));
                }
            }

            return inner.ReadStateAsync(stateName, grainId, grainState);
        }

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var fail = false;
            Func<Task>? wait = null;
            lock (this)
            {
                if (_hold is { } h && StoredStates.IsWriteOf(stateName, h.StateName) && grainId.Key.ToString().EndsWith(h.KeySuffix, StringComparison.Ordinal))
                {
                    wait = h.Wait;
                    _hold = null;
                }

                if (_remaining > 0 && StoredStates.IsWriteOf(stateName, _stateName!) && grainId.Key.ToString().EndsWith(_keySuffix!, StringComparison.Ordinal))
                {
                    _remaining--;
                    Failures++;
                    fail = true;
                }
            }

            if (wait is not null)
            {
                await wait();
            }

            if (fail && !_afterCommit)
            {
                throw new IOException("Simulated storage failure before the write.");
            }

            await inner.WriteStateAsync(stateName, grainId, grainState);
            if (fail)
            {
                throw new IOException("Simulated storage failure after the write committed: the acknowledgement was lost.");
            }
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            inner.ClearStateAsync(stateName, grainId, grainState);
    }

    /// <summary>A write held before it is stored: <see cref="Entered"/> once it waits, stored on <see cref="Release"/>.</summary>
    private sealed class HeldWrite
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Release() => _released.TrySetResult();

        public Task WaitAsync()
        {
            _entered.TrySetResult();
            return _released.Task;
        }
    }
}
