using ApexOrleans.Contracts.Books;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

using MemoryGrainStorage = ApexOrleans.Storage.MemoryGrainStorage;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;

namespace ApexOrleans.Mesh.Tests;

public sealed class FailureRecoveryTests
{
    private static readonly EventEnvelope Session = MeshGuarantees.Session("s-1");

    [Fact]
    public async Task AFailedQueueWriteIsRetriedNotStranded()
    {
        var flaky = new FailingWrites(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()), "queue", "/omnihub", failOnWrite: 2);
        await using var silo = await MeshSilo.StartOverAsync(flaky);
        var tenant = silo.Tenant("strand");

        await silo.PublishAsync(tenant, Session);
        await MeshSilo.SettleAsync(tenant);

        Assert.Equal(1, flaky.Failures);
        Assert.True(tenant.Timeline.IsIdle);
        Assert.Equal(0, (await silo.QueueAsync(tenant, "omnihub")).PendingCount);
        Assert.Single((await silo.AppAsync(tenant, "omnihub")).Rows("feed"));
    }

    [Fact]
    public async Task AQueueWriteThatFailsAfterAPageWasSealedLosesNoHistoryAndShowsNothingTwice()
    {
        // Pages of two: the second delivery seals page 0, then the queue write that would forget those items fails.
        var flaky = new FailingWrites(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()), "queue", "/omnihub", failOnWrite: 4);
        await using var silo = await MeshSilo.StartOverAsync(flaky);
        var tenant = silo.Tenant("reseal", adjust: s => s with { Delivery = s.Delivery with { HistoryPageSize = 2 } });

        foreach (var key in new[] { "s-1", "s-2", "s-3" })
        {
            await silo.PublishAsync(tenant, Session with
            {
                Id = EnvelopeParser.DerivedId("jubeelove", key), IdempotencyKey = key, Data = System.Text.Json.JsonSerializer.SerializeToElement(new { sessionId = key }),
            });
            await MeshSilo.SettleAsync(tenant);
        }

        var queue = await silo.QueueAsync(tenant, "omnihub");
        Assert.Equal(1, flaky.Failures);
        Assert.Equal(["s-1", "s-2", "s-3"], queue.Delivered.Select(i => i.Delivery.Envelope.IdempotencyKey));
        Assert.Equal(3, (await silo.AppAsync(tenant, "omnihub")).Rows("feed").Count);
    }

    [Fact]
    public async Task AnOutboxAcknowledgementLostAtDeactivationIsDispatchedAgainAndDeliveredOnce()
    {
        // JubeeLove's acknowledgement of its dispatched fact rides on its next write. None comes, so its deactivation writes
        // it, and that write fails: the entry is still stored, and the next activation must hand it on again, harmlessly.
        var flaky = new FailingWrites(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()), "app", "/jubeelove", failOnWrite: 2);
        await using var silo = await MeshSilo.StartOverAsync(flaky);
        var tenant = silo.Tenant("lost-ack");

        await silo.PublishAsync(tenant, Session);
        await MeshSilo.SettleAsync(tenant);
        Assert.Equal(0, (await silo.AppAsync(tenant, "jubeelove")).OutboxDepth);
        await silo.CollectIdleActivationsAsync();
        Assert.Equal(1, flaky.Failures);
        Assert.Single((await StoredStates.BooksAsync(flaky, tenant.Id, "jubeelove")).Outbox);

        await silo.Gateway.ResumeAsync(tenant.Id);
        await MeshSilo.SettleAsync(tenant);
        await silo.CollectIdleActivationsAsync();

        Assert.Empty((await StoredStates.BooksAsync(flaky, tenant.Id, "jubeelove")).Outbox);
        var queue = await silo.QueueAsync(tenant, "omnihub");
        Assert.Equal(1, queue.DeliveredCount);
        Assert.Single(queue.Delivered);
        Assert.Single((await silo.AppAsync(tenant, "omnihub")).Rows("feed"));
    }

    [Fact]
    public async Task AnAttemptsRecordOutlivesAFailedQueueWrite()
    {
        // OmniHub takes the session; the queue write that records the attempt fails. The record is a fact of OmniHub's, not a
        // change to take back: it rides on the queue's next write, so the queue never asks OmniHub again.
        var flaky = new FailingWrites(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()), "queue", "/omnihub", failOnWrite: 2);
        await using var silo = await MeshSilo.StartOverAsync(flaky);
        var tenant = silo.Tenant("kept-record");

        await silo.PublishAsync(tenant, Session);
        await MeshSilo.SettleAsync(tenant);
        await silo.CollectIdleActivationsAsync(); // only the store speaks now

        Assert.Equal(1, flaky.Failures);
        var item = Assert.Single((await StoredStates.QueueAsync(flaky, tenant.Id, "omnihub")).Delivered);
        var attempt = Assert.Single(item.Attempts);
        var receipt = Assert.Single((await StoredStates.BooksAsync(flaky, tenant.Id, "omnihub")).Inbox.Values);
        Assert.Equal((true, ApplyStatus.Applied), (attempt.Succeeded, attempt.Outcome));
        Assert.True(attempt.At <= receipt.AppliedAt, $"the attempt at {attempt.At:O} came after the receipt at {receipt.AppliedAt:O}");
        Assert.Equal(0, receipt.DuplicatesRefused);
    }

    [Fact]
    public async Task APublishWhoseEnqueueFailedIsNotDeliveredLater()
    {
        // JubeeLove's queue cannot store the session: the publish fails, and its caller is told so. Nothing of it may be
        // delivered afterwards behind the caller's back; a retry of the key is then accepted and delivered once.
        var flaky = new FailingWrites(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()), "queue", "/jubeelove", failOnWrite: 1);
        await using var silo = await MeshSilo.StartOverAsync(flaky);
        var tenant = silo.Tenant("taken-back");

        await Assert.ThrowsAnyAsync<IOException>(() => silo.PublishAsync(tenant, Session));
        await MeshSilo.SettleAsync(tenant);
        var source = await silo.QueueAsync(tenant, "jubeelove");
        var feedBefore = (await silo.AppAsync(tenant, "omnihub")).Rows("feed").Count;
        var retry = await silo.PublishAsync(tenant, Session);
        await MeshSilo.SettleAsync(tenant);

        Assert.Equal(1, flaky.Failures);
        Assert.Equal((0, 0), (source.PendingCount, source.DeliveredCount));
        Assert.Equal(0, feedBefore);
        Assert.Equal(PublishStatus.Accepted, retry.Status);
        Assert.Single((await silo.AppAsync(tenant, "omnihub")).Rows("feed"));
    }

    [Fact]
    public async Task AQueueTurnThatFailedIsNotRunAgainAtOnce()
    {
        // OmniHub's first attempt fails and opens its circuit (a threshold of one), which cannot store the opening, so the
        // queue's turn fails with the item still due. Run again at once, it would loop for as long as the circuit failed; it
        // waits the timeline's retry wait.
        var flaky = new FailingWrites(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()), "circuit", "/omnihub", failOnWrite: 1);
        var chaos = new ScriptedChaos(a => a.Target == "omnihub" && a.Attempt == 1 ? FaultKind.NetworkFailure : FaultKind.None);
        await using var silo = await MeshSilo.StartOverAsync(flaky);
        var tenant = silo.Tenant("no-spin", chaos, adjust: s => s with { Circuit = s.Circuit with { FailureThreshold = 1 } });

        await silo.PublishAsync(tenant, Session);
        await MeshSilo.SettleAsync(tenant);

        var item = Assert.Single((await silo.QueueAsync(tenant, "omnihub")).Delivered);
        Assert.Equal(1, flaky.Failures);
        Assert.Equal([false, true], item.Attempts.Select(a => a.Succeeded));
        Assert.True(item.Attempts[1].At - item.Attempts[0].At >= TenantTimeline.RetryAfterFailure,
            $"attempted again {item.Attempts[1].At - item.Attempts[0].At} after the failed turn");
        Assert.Single((await silo.AppAsync(tenant, "omnihub")).Rows("feed"));
    }

    [Fact]
    public async Task AnAttemptWhoseRecordWasLostIsNeverFailedOver()
    {
        // The first attempt reaches CareConnect and applies; the queue write that would record it is refused as another
        // life's, so the queue reloads and the attempt is forgotten. Then CareConnect goes down until the retries are spent:
        // the item must wait, not go to the fallback.
        var flaky = new FailingWrites(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()), "queue", "/careconnect", failOnWrite: 3,
            failure: () => new InconsistentStateException("Simulated write of another life."));
        var decided = 0;
        var chaos = new ScriptedChaos(a => a.Target != "careconnect" ? FaultKind.None
            : Interlocked.Increment(ref decided) switch { 1 => FaultKind.None, <= 5 => FaultKind.Outage, _ => FaultKind.None });
        await using var silo = await MeshSilo.StartOverAsync(flaky);
        var tenant = silo.Tenant("lost-attempt", chaos);

        await silo.PublishAsync(tenant, MeshGuarantees.SafetyCheck("chk-lost"));
        await MeshSilo.SettleAsync(tenant);

        var item = Assert.Single((await silo.QueueAsync(tenant, "careconnect")).Delivered);
        Assert.Equal(1, flaky.Failures);
        Assert.True(item.MayHaveReached);
        Assert.Null(item.FailedOverTo);
        Assert.Empty((await silo.AppAsync(tenant, "carestandby")).Rows("coordination_log"));
        Assert.Single((await silo.AppAsync(tenant, "careconnect")).Rows("compliance_tracking"));
    }

    [Fact]
    public async Task AnExceptionWhileApplyingIsRevertedSoTheRetryAppliesEverything()
    {
        var reaction = new ThrowsOnce();
        await using var silo = await MeshSilo.StartAsync(configure: s => s.Services.AddSingleton(sp =>
            new ReactionCatalog(sp.GetRequiredService<AppCatalog>(), [.. ReactionCatalog.BuiltIn, reaction])));
        var tenant = silo.Tenant("throws");

        await silo.PublishAsync(tenant, Session);
        await MeshSilo.SettleAsync(tenant);

        Assert.Equal(2, reaction.Calls);
        var jubeelove = await silo.AppAsync(tenant, "jubeelove");
        Assert.Single(jubeelove.Rows("sessions"));
        Assert.Equal(0, jubeelove.OutboxDepth);
        Assert.Single((await silo.AppAsync(tenant, "omnihub")).Rows("feed"));
    }

    [Fact]
    public void AClientKeyCannotTakeTheShapeOfAReactionsKey()
    {
        var error = Assert.Throws<PublishRejectedException>(() => EnvelopeParser.Parse(
            """{ "eventType": "flowc:compliance.validated", "target": "flowbills", "idempotencyKey": "inv-k>flowc.totals-check", "payload": { "checkId": "c", "invoiceId": "inv-k" } }"""));

        Assert.Equal(("invalid_id", "idempotencyKey"), (error.Rejection.Code, error.Rejection.Field));
    }

    [Fact]
    public async Task ACatalogThatCannotRouteAReactionStopsTheSiloAtStart()
    {
        var json = File.ReadAllText(AppCatalog.DefaultPath)
            .Replace("\"payment.mismatched\": { \"table\": \"payment_mismatches\", \"key\": \"paymentId\", \"targets\": [\"flowc\", \"omnihub\"] },", "")
            .Replace("\"flowbills:payment.mismatched\": { \"table\": \"compliance_violations\", \"key\": \"paymentId\" }", "");
        using var folder = new ApexOrleans.TestSupport.TempFolder();
        File.WriteAllText(folder.File("apps.json"), json);

        var error = await Assert.ThrowsAsync<ConfigFileException>(() => MeshSilo.StartAsync(catalogPath: folder.File("apps.json")));

        Assert.Contains(error.Problems, p => p.Contains("payment.mismatched"));
    }

    /// <summary>A reaction of jubeelove to its own session that throws the first time it runs.</summary>
    private sealed class ThrowsOnce() : EventReaction("jubeelove", "jubeelove:session.started", DeliveryRole.Source)
    {
        public int Calls;

        public override IEnumerable<ReactionEvent> React(EventEnvelope cause, AppTables tables, AppDefinition app) =>
            Interlocked.Increment(ref Calls) == 1 ? throw new InvalidOperationException("a reaction failed once") : [];
    }

    /// <summary>Fails the n-th write of one state of one grain (with an I/O error unless <paramref name="failure"/> says otherwise).</summary>
    private sealed class FailingWrites(IGrainStorage inner, string stateName, string keySuffix, int failOnWrite, Func<Exception>? failure = null) : IGrainStorage
    {
        private int _writes;

        public int Failures { get; private set; }

        public Task ReadStateAsync<T>(string name, GrainId id, IGrainState<T> state) => inner.ReadStateAsync(name, id, state);

        public Task ClearStateAsync<T>(string name, GrainId id, IGrainState<T> state) => inner.ClearStateAsync(name, id, state);

        public Task WriteStateAsync<T>(string name, GrainId id, IGrainState<T> state)
        {
            if (StoredStates.IsWriteOf(name, stateName) && id.Key.ToString().EndsWith(keySuffix, StringComparison.Ordinal) && Interlocked.Increment(ref _writes) == failOnWrite)
            {
                Failures++;
                throw failure?.Invoke() ?? new IOException("Simulated storage failure.");
            }

            return inner.WriteStateAsync(name, id, state);
        }
    }
}
