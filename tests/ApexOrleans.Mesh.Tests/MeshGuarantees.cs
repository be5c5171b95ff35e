using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Publishing;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Storage;
using ApexOrleans.Storage.Hosting;
using ApexOrleans.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Mesh.Tests;

/// <summary>The mesh's guarantees through a real silo; each storage provider's class runs these same tests.</summary>
public abstract class MeshGuarantees
{
    protected abstract GrainStorageChoice Storage { get; }

    /// <summary>How many silos the cluster under test has: with more than one, tenants spread and calls cross silos.</summary>
    protected virtual short Silos => 1;

    [SkippableFact]
    public async Task DuplicatePaymentIsChargedOnce()
    {
        // Every delivery of the payment arrives twice, and every first answer from FLOWBills is lost.
        var chaos = new ScriptedChaos(a => a.Envelope.EventType != "flowbills:payment.received" ? FaultKind.None
            : a.Attempt == 1 ? FaultKind.ResponseLost : FaultKind.Duplicate);
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("dup-pay", chaos);
        await PublishBeatsAsync(silo, tenant, 4);
        var payment = SarahsDay.Get(12);

        var first = await silo.PublishAsync(tenant, payment.Event);
        var again = await silo.PublishAsync(tenant, payment.Event);
        await MeshSilo.SettleAsync(tenant);

        Assert.Equal(PublishStatus.Accepted, first.Status);
        Assert.Equal(PublishStatus.Duplicate, again.Status);
        Assert.Equal(first.EventId, again.EventId);
        var flowbills = await silo.AppAsync(tenant, "flowbills");
        var paymentRow = Assert.Single(flowbills.Rows("payments"));
        Assert.Equal("pay-001", paymentRow.Key);
        var invoice = Assert.Single(flowbills.Rows("invoices"), r => r.Key == "inv-001");
        Assert.Equal("paid", invoice.Data["status"]!.GetValue<string>());
        Assert.Equal(81.00m, invoice.Data["paidAmount"]!.GetValue<decimal>());
        Assert.Empty(flowbills.Rows("payment_mismatches"));
        Assert.Single((await silo.AppAsync(tenant, "flowc")).Rows("audit_logs"), r => r.Key == "pay-001");
        var receipts = await silo.Grains.GetGrain<IAppGrain>(MeshKeys.For(tenant.Id, "flowbills")).ReceiptsAsync();
        Assert.True(Assert.Single(receipts, r => r.IdempotencyKey == payment.Event.IdempotencyKey).DuplicatesRefused >= 1);
        Assert.Equal(1, (await silo.KeyAsync(tenant, payment.Event))!.RefusedCount);
    }

    [SkippableFact]
    public async Task TheSameKeyWithADifferentPayloadIsRefusedAndChangesNothing()
    {
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("conflict");
        await PublishBeatsAsync(silo, tenant, 4);
        var before = await silo.Services.GetService<TenantStateReader>()!.CanonicalAsync(tenant.Id);
        var invoice = SarahsDay.Get(4).Event;
        var tampered = invoice with { Data = System.Text.Json.JsonSerializer.SerializeToElement(new { invoiceId = "inv-001", amount = 750.00, totalAmount = 810.00 }) };

        var error = await Assert.ThrowsAsync<PublishRejectedException>(() => silo.PublishAsync(tenant, tampered));
        await MeshSilo.SettleAsync(tenant);

        Assert.Equal("idempotency_conflict", error.Rejection.Code);
        Assert.Equal(before, await silo.Services.GetService<TenantStateReader>()!.CanonicalAsync(tenant.Id));
        var key = await silo.KeyAsync(tenant, invoice);
        Assert.Equal(ClaimOutcome.Conflict, Assert.Single(key!.Refusals).Outcome);
    }

    [SkippableFact]
    public async Task TwoAppsUsingOneKeyAreEachAcceptedOnceAndReplaysAreRefusedAsTheirOwnDuplicates()
    {
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("shared-key");
        var call = SarahsDay.Get(1).Event with { IdempotencyKey = "shared/key-1", Id = EnvelopeParser.DerivedId("tradeline247", "shared/key-1") };
        var trust = SarahsDay.Get(7).Event with { IdempotencyKey = "shared/key-1", Id = EnvelopeParser.DerivedId("trutalk", "shared/key-1") };

        var first = await silo.PublishAsync(tenant, call);
        var second = await silo.PublishAsync(tenant, trust);
        var callAgain = await silo.PublishAsync(tenant, call);
        var trustAgain = await silo.PublishAsync(tenant, trust);
        var conflict = await Assert.ThrowsAsync<PublishRejectedException>(() => silo.PublishAsync(tenant, trust with { Data = Tampered(trust.Data) }));
        await MeshSilo.SettleAsync(tenant);

        Assert.Equal([PublishStatus.Accepted, PublishStatus.Accepted], new[] { first.Status, second.Status });
        Assert.Equal((PublishStatus.Duplicate, first.EventId), (callAgain.Status, callAgain.EventId));
        Assert.Equal((PublishStatus.Duplicate, second.EventId), (trustAgain.Status, trustAgain.EventId));
        Assert.Equal("idempotency_conflict", conflict.Rejection.Code);
        Assert.Equal(1, (await silo.KeyAsync(tenant, call))!.RefusedCount);
        Assert.Equal(2, (await silo.KeyAsync(tenant, trust))!.RefusedCount);
        // One effect each, at the sources and at the target both share.
        Assert.Single((await silo.AppAsync(tenant, "tradeline247")).Rows("agent_runs"));
        Assert.Single((await silo.AppAsync(tenant, "trutalk")).Rows("verifications"));
        var omnihub = await silo.AppAsync(tenant, "omnihub");
        Assert.Equal(["tradeline247/shared/key-1", "trutalk/shared/key-1"], omnihub.Rows("feed").Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Empty(omnihub.Conflicts);
        var receipts = await silo.Grains.GetGrain<IAppGrain>(MeshKeys.For(tenant.Id, "omnihub")).ReceiptsAsync();
        Assert.Equal(2, receipts.Count(r => r.IdempotencyKey == "shared/key-1"));
    }

    private static System.Text.Json.JsonElement Tampered(System.Text.Json.JsonElement data)
    {
        var payload = System.Text.Json.Nodes.JsonNode.Parse(data.GetRawText())!.AsObject();
        payload["tampered"] = true;
        return System.Text.Json.JsonSerializer.SerializeToElement(payload);
    }

    [SkippableFact]
    public async Task FiveConsecutiveFailuresOpenTheCircuitAndTheSixthCallDoesNotReachTheTarget()
    {
        // Every answer from jubeelove is lost after it committed: five failures that did reach the target.
        var chaos = new ScriptedChaos(a => a.Target == "jubeelove" ? FaultKind.ResponseLost : FaultKind.None);
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("trip", chaos, adjust: s => s with { Delivery = s.Delivery with { MaxRetries = 0 } });

        for (var i = 1; i <= 6; i++)
        {
            await silo.PublishAsync(tenant, Call($"call-{i}"));
            await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow());
        }

        var circuit = await silo.CircuitAsync(tenant, "jubeelove");
        Assert.Equal(CircuitStatus.Open, circuit.Status);
        var opened = Assert.Single(circuit.Transitions);
        Assert.Equal((CircuitStatus.Closed, CircuitStatus.Open), (opened.From, opened.To));
        Assert.StartsWith("5 consecutive failures", opened.Cause);
        Assert.Equal(5, chaos.DecisionsFor("jubeelove"));
        Assert.Equal(["call-1", "call-2", "call-3", "call-4", "call-5"], (await silo.AppAsync(tenant, "jubeelove")).Rows("contacts").Select(r => r.Key));
        var sixth = Assert.Single((await silo.QueueAsync(tenant, "jubeelove")).Pending, i => i.Delivery.Envelope.IdempotencyKey == "call-6");
        Assert.Empty(sixth.Attempts);
        Assert.True(sixth.Queued);
        Assert.Equal(6, (await silo.AppAsync(tenant, "omnihub")).Rows("feed").Count);
    }

    [SkippableFact]
    public async Task AGoodProbeClosesTheCircuitAndABadOneReopensItForLonger()
    {
        var down = true;
        var chaos = new ScriptedChaos(a => a.Target == "jubeelove" && down ? FaultKind.ServerError : FaultKind.None);
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("probe", chaos, adjust: s => s with { Delivery = s.Delivery with { MaxRetries = 0 } });
        for (var i = 1; i <= 5; i++)
        {
            await silo.PublishAsync(tenant, Call($"call-{i}"));
            await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow());
        }

        await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromMinutes(2));
        down = false;
        await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromMinutes(5));

        var circuit = await silo.CircuitAsync(tenant, "jubeelove");
        Assert.Equal(CircuitStatus.Closed, circuit.Status);
        var path = circuit.Transitions.Select(t => (t.From, t.To)).ToList();
        Assert.Equal(
            [(CircuitStatus.Closed, CircuitStatus.Open), (CircuitStatus.Open, CircuitStatus.HalfOpen), (CircuitStatus.HalfOpen, CircuitStatus.Open),
             (CircuitStatus.Open, CircuitStatus.HalfOpen), (CircuitStatus.HalfOpen, CircuitStatus.Closed)],
            path);
        var firstBreak = circuit.Transitions[1].At - circuit.Transitions[0].At;
        var secondBreak = circuit.Transitions[3].At - circuit.Transitions[2].At;
        Assert.Equal(TimeSpan.FromSeconds(60), firstBreak);
        Assert.Equal(TimeSpan.FromSeconds(120), secondBreak);
        Assert.Equal(5, (await silo.AppAsync(tenant, "jubeelove")).Rows("contacts").Count);
    }

    [SkippableFact]
    public async Task EventsQueuedWhileOpenAreDeliveredOnceAfterRecoveryAcrossARestart()
    {
        var outage = true;
        var chaos = new ScriptedChaos(a => a.Target == "trutalk" && outage ? FaultKind.Outage : FaultKind.None);
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("restart", chaos);
        var verify = SarahsDay.Get(7);
        await tenant.Timeline.RunUntilAsync(verify.Time);
        await silo.PublishAsync(tenant, verify.Event);
        await tenant.Timeline.RunUntilAsync(verify.Time + TimeSpan.FromMinutes(10));
        Assert.Equal(CircuitStatus.Open, (await silo.CircuitAsync(tenant, "trutalk")).Status);
        Assert.Equal(1, (await silo.QueueAsync(tenant, "trutalk")).QueuedCount);
        var stoppedAt = tenant.Clock.GetUtcNow();

        await silo.RestartAsync();
        outage = false;
        var resumed = silo.Tenant("restart", chaos, start: stoppedAt);
        await silo.Gateway.ResumeAsync(resumed.Id);
        await MeshSilo.SettleAsync(resumed);

        Assert.Equal(CircuitStatus.Closed, (await silo.CircuitAsync(resumed, "trutalk")).Status);
        Assert.Single((await silo.AppAsync(resumed, "trutalk")).Rows("verifications"));
        Assert.Single((await silo.AppAsync(resumed, "flowbills")).Rows("trust_checks"));
        Assert.Single((await silo.AppAsync(resumed, "omnihub")).Rows("feed"));
        var queue = await silo.QueueAsync(resumed, "trutalk");
        Assert.Equal((0, 1L), (queue.PendingCount, queue.DeliveredCount));
    }

    [SkippableFact]
    public async Task OtherTargetsKeepWorkingWhileOneIsDown()
    {
        var chaos = new ScriptedChaos(a => a.Target == "trutalk" ? FaultKind.Outage : FaultKind.None);
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("isolation", chaos);

        foreach (var beat in SarahsDay.Beats)
        {
            await tenant.Timeline.RunUntilAsync(beat.Time);
            await silo.PublishAsync(tenant, beat.Event);
        }

        await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromHours(1));

        Assert.Equal(CircuitStatus.Open, (await silo.CircuitAsync(tenant, "trutalk")).Status);
        Assert.Equal(1, (await silo.QueueAsync(tenant, "trutalk")).PendingCount);
        foreach (var app in new[] { "flowbills", "omnihub", "aspiral", "keepsafe", "bright", "careconnect", "flowc", "jubeelove", "tradeline247" })
        {
            Assert.Equal(CircuitStatus.Closed, (await silo.CircuitAsync(tenant, app)).Status);
            Assert.Equal(0, (await silo.QueueAsync(tenant, app)).PendingCount);
        }

        Assert.Equal("paid", (await silo.AppAsync(tenant, "flowbills")).Rows("invoices").Single(r => r.Key == "inv-001").Data["status"]!.GetValue<string>());
        Assert.Empty((await silo.AppAsync(tenant, "flowbills")).Rows("trust_checks"));
    }

    [SkippableFact]
    public async Task ReceiptsSurviveARestartAndAnInFlightClaimIsNeverExecutedTwice()
    {
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("receipts");
        var call = SarahsDay.Get(1).Event;
        var first = await silo.PublishAsync(tenant, call);
        var gateway = GatewayOf(silo);
        var client = GatewayIncarnation.OfClient().Id; // another gateway, whose life a silo cannot see
        var claimed = silo.Grains.GetGrain<IIdempotencyGrain>(MeshKeys.For(tenant.Id, "cut-short"));
        Assert.Equal(ClaimOutcome.Claimed, (await claimed.ClaimAsync("fingerprint", Publish(tenant.Id, "evt-1"), gateway)).Outcome);
        Assert.Equal(ClaimOutcome.InProgress, (await claimed.ClaimAsync("fingerprint", Publish(tenant.Id, "evt-1"), client)).Outcome);
        var now = tenant.Clock.GetUtcNow();

        await silo.RestartAsync();
        var resumed = silo.Tenant("receipts", start: now);
        var again = await silo.Gateway.PublishAsync(resumed.Id, call);
        var cutShort = await silo.Grains.GetGrain<IIdempotencyGrain>(MeshKeys.For(tenant.Id, "cut-short")).ClaimAsync("fingerprint", Publish(tenant.Id, "evt-1"), client);
        var running = silo.Grains.GetGrain<IIdempotencyGrain>(MeshKeys.For(tenant.Id, "running"));
        await running.ClaimAsync("fingerprint", Publish(tenant.Id, "evt-2"), client);
        var stillRunning = await running.ClaimAsync("fingerprint", Publish(tenant.Id, "evt-2"), GatewayOf(silo));
        var ownRetry = await running.ClaimAsync("fingerprint", Publish(tenant.Id, "evt-2"), client);
        var stillRunningAgain = await running.ClaimAsync("fingerprint", Publish(tenant.Id, "evt-2"), GatewayOf(silo));
        await resumed.Timeline.RunUntilAsync(now + TimeSpan.FromMinutes(2));
        var abandoned = await running.ClaimAsync("fingerprint", Publish(tenant.Id, "evt-2"), GatewayOf(silo));
        var released = silo.Grains.GetGrain<IIdempotencyGrain>(MeshKeys.For(tenant.Id, "released"));
        await released.ClaimAsync("fingerprint", Publish(tenant.Id, "evt-3"), client);
        await released.ReleaseAsync(client);
        var afterRelease = await released.ClaimAsync("fingerprint", Publish(tenant.Id, "evt-3"), GatewayOf(silo));

        Assert.Equal((PublishStatus.Duplicate, first.EventId, first.AcceptedAt), (again.Status, again.EventId, again.AcceptedAt));
        Assert.Equal(ClaimOutcome.Resumed, cutShort.Outcome);          // held by the silo's previous life: cut short by the restart
        Assert.Equal(ClaimOutcome.InProgress, stillRunning.Outcome);   // held by another gateway, alive: never executed twice
        Assert.Equal(ClaimOutcome.Resumed, ownRetry.Outcome);          // a gateway claiming again has its own attempt behind it
        Assert.Equal(ClaimOutcome.InProgress, stillRunningAgain.Outcome);
        Assert.Equal(ClaimOutcome.Resumed, abandoned.Outcome);         // until it is abandoned past its timeout
        Assert.Equal(ClaimOutcome.Resumed, afterRelease.Outcome);      // or given up by its gateway after a failure
    }

    [SkippableFact]
    public async Task AClaimHeldByASiloDeclaredDeadIsResumed()
    {
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("dead-holder");
        var live = silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var earlierLife = GatewayIncarnation.OfSilo(SiloAddress.New(live.Endpoint, live.Generation - 1)).Id;
        var key = silo.Grains.GetGrain<IIdempotencyGrain>(MeshKeys.For(tenant.Id, "held"));
        await key.ClaimAsync("fingerprint", Publish(tenant.Id, "evt-1"), earlierLife);

        var retry = await key.ClaimAsync("fingerprint", Publish(tenant.Id, "evt-1"), GatewayIncarnation.OfClient().Id);

        Assert.Equal(ClaimOutcome.Resumed, retry.Outcome);
        Assert.Equal(ClaimOutcome.InProgress, (await key.ClaimAsync("fingerprint", Publish(tenant.Id, "evt-1"), GatewayOf(silo))).Outcome); // now held by that client
    }

    private static string GatewayOf(MeshSilo silo) => silo.Services.GetRequiredService<GatewayIncarnation>().Id;

    /// <summary>A publish of JubeeLove's under event id <paramref name="eventId"/>, as a claim names it.</summary>
    private static PublishReceipt Publish(string tenant, string eventId) => new(tenant, eventId, eventId, "jubeelove:session.started", "jubeelove", ["omnihub"], default,
        PublishStatus.Accepted);

    [SkippableFact]
    public async Task AKeyPastItsRetentionIsRefusedNotExecutedAgain()
    {
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("retention", adjust: s => s with
        {
            Idempotency = s.Idempotency with { Retention = TimeSpan.FromDays(2) },
            Delivery = s.Delivery with { DeadLetterAfterAttempts = 5, MaxQueueBackoff = TimeSpan.FromMinutes(1) },
        });
        var call = SarahsDay.Get(1).Event;
        await silo.PublishAsync(tenant, call);
        await MeshSilo.SettleAsync(tenant);

        await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromDays(3));
        var error = await Assert.ThrowsAsync<PublishRejectedException>(() => silo.PublishAsync(tenant, call));
        await MeshSilo.SettleAsync(tenant);

        Assert.Equal("idempotency_key_expired", error.Rejection.Code);
        Assert.Single((await silo.AppAsync(tenant, "tradeline247")).Rows("agent_runs"));
        Assert.True((await silo.KeyAsync(tenant, call))!.Expired);
    }

    [SkippableFact]
    public async Task ARetentionShorterThanTheLongestRedeliveryIsRefused()
    {
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);

        var error = Assert.Throws<ArgumentException>(() =>
            silo.Tenant("too-short", adjust: s => s with { Idempotency = s.Idempotency with { Retention = TimeSpan.FromHours(1) } }));

        Assert.Contains("longer than the longest a delivery can stay undelivered", error.Message);
    }

    [SkippableFact]
    public async Task TheStorysOutageOpensTrutalksCircuitAtBeatSevenAndRecoversAfterBeatTen()
    {
        // TRU Talk is down while the day is at beats 7, 8 and 9, as in the story's chaos config.
        var chaos = new ScriptedChaos(a => a.Target == "trutalk" && a.CurrentSequence is >= 7 and < 10 ? FaultKind.Outage : FaultKind.None);
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("story-outage", chaos);
        var states = new Dictionary<int, (CircuitStatus Status, int Queued)>();

        foreach (var beat in SarahsDay.Beats)
        {
            await tenant.Timeline.RunUntilAsync(beat.Time);
            if (beat.Number > 1)
            {
                var circuit = await silo.CircuitAsync(tenant, "trutalk");
                states[beat.Number - 1] = (circuit.Status, (await silo.QueueAsync(tenant, "trutalk")).QueuedCount);
            }

            await silo.PublishAsync(tenant, beat.Event);
        }

        await MeshSilo.SettleAsync(tenant);

        Assert.Equal((CircuitStatus.Open, 1), states[7]);
        Assert.Equal(CircuitStatus.Open, states[8].Status);
        Assert.Equal(CircuitStatus.Closed, states[11].Status);
        var transitions = (await silo.CircuitAsync(tenant, "trutalk")).Transitions;
        Assert.StartsWith("5 consecutive failures", transitions[0].Cause);
        Assert.Equal(CircuitStatus.Closed, transitions[^1].To);
        Assert.Single((await silo.AppAsync(tenant, "flowbills")).Rows("trust_checks"));
        Assert.Single((await silo.AppAsync(tenant, "trutalk")).Rows("verifications"));
    }

    [SkippableFact]
    public async Task ADeliveryWhoseRetriesAreSpentFailsOverToTheFallbackOnceAndTheDayEndsAsWithoutTheOutage()
    {
        // CareConnect is down while the day is at beat 3 (the safety check); its catalog entry falls back to carestandby.
        var chaos = new ScriptedChaos(a => a.Target == "careconnect" && a.CurrentSequence == 3 ? FaultKind.Outage : FaultKind.None);
        var (silo, tenant, control) = await DayAndControlAsync("failover", chaos);
        await using var _ = silo;

        var item = Assert.Single((await silo.QueueAsync(tenant, "careconnect")).Delivered, i => i.Delivery.Role == DeliveryRole.Target);
        var standby = await silo.QueueAsync(tenant, "carestandby");
        var standIn = Assert.Single(standby.Delivered);
        Assert.Equal(("carestandby", 3), (item.FailedOverTo, item.Attempts.Count));
        Assert.All(item.Attempts, a => Assert.Equal(FaultKind.Outage, a.Fault));
        Assert.Equal((DeliveryRole.Fallback, "careconnect", ApplyStatus.Applied), (standIn.Delivery.Role, standIn.Delivery.StandsInFor, standIn.Outcome));
        Assert.Equal(item.Delivery.Envelope.IdempotencyKey, standIn.Delivery.Envelope.IdempotencyKey);
        Assert.DoesNotContain(await ReceiptsAsync(silo, tenant, "careconnect"), r => r.Role == DeliveryRole.Target);
        var record = Assert.Single((await silo.AppAsync(tenant, "carestandby")).Rows("coordination_log"));
        Assert.Equal(new StandIn("careconnect", "compliance_tracking", "safety-001"), record.StandsIn);
        Assert.Empty((await silo.AppAsync(tenant, "careconnect")).Rows("compliance_tracking"));
        await AssertSameStateAsync(silo, tenant, control);
    }

    [SkippableFact]
    public async Task AnOpenCircuitHandsNewDeliveriesToTheFallbackWithoutTryingTheTarget()
    {
        var chaos = new ScriptedChaos(a => a.Target == "careconnect" ? FaultKind.Outage : FaultKind.None);
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("failover-open", chaos);
        foreach (var check in new[] { "chk-1", "chk-2", "chk-3" })
        {
            await silo.PublishAsync(tenant, SafetyCheck(check));
            await MeshSilo.SettleAsync(tenant);
        }

        // chk-1 spends its 3 attempts; chk-2 opens the circuit at the fifth failure in a row; chk-3 is never tried.
        var items = (await silo.QueueAsync(tenant, "careconnect")).Delivered.ToDictionary(i => i.Delivery.Envelope.IdempotencyKey);
        Assert.Equal([3, 2, 0], new[] { "chk-1", "chk-2", "chk-3" }.Select(k => items[k].Attempts.Count));
        Assert.All(items.Values, i => Assert.Equal("carestandby", i.FailedOverTo));
        Assert.Equal(CircuitStatus.Open, (await silo.CircuitAsync(tenant, "careconnect")).Status);
        Assert.Equal(["chk-1", "chk-2", "chk-3"], (await silo.AppAsync(tenant, "carestandby")).Rows("coordination_log").Select(r => r.StandsIn!.Key).Order());
    }

    [SkippableFact]
    public async Task ADeliveryThatMayHaveReachedItsTargetIsNeverFailedOver()
    {
        // Every answer from CareConnect is lost while the day is at beat 3: each attempt applied there, then counted failed.
        var chaos = new ScriptedChaos(a => a.Target == "careconnect" && a.CurrentSequence == 3 ? FaultKind.ResponseLost : FaultKind.None);
        var (silo, tenant, control) = await DayAndControlAsync("in-doubt", chaos);
        await using var _ = silo;

        var item = Assert.Single((await silo.QueueAsync(tenant, "careconnect")).Delivered, i => i.Delivery.Role == DeliveryRole.Target);
        Assert.True(item.Attempts.Count(a => a.Fault == FaultKind.ResponseLost) > 3, "its retries were spent on lost answers");
        Assert.True(item.MayHaveReached);
        Assert.Null(item.FailedOverTo);
        Assert.Empty((await silo.AppAsync(tenant, "carestandby")).Rows("coordination_log"));
        Assert.Single(await ReceiptsAsync(silo, tenant, "careconnect"), r => r.Role == DeliveryRole.Target && r.DuplicatesRefused > 0);
        await AssertSameStateAsync(silo, tenant, control);
    }

    /// <summary>A silo on which tenant <paramref name="name"/> played the whole day under <paramref name="chaos"/>, and its control without.</summary>
    private async Task<(MeshSilo Silo, Tenant Tenant, Tenant Control)> DayAndControlAsync(string name, ScriptedChaos chaos)
    {
        var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant(name, chaos);
        var control = silo.Tenant($"{name}-control");
        await PublishBeatsAsync(silo, control, SarahsDay.Beats.Count);
        await PublishBeatsAsync(silo, tenant, SarahsDay.Beats.Count);
        return (silo, tenant, control);
    }

    private static async Task AssertSameStateAsync(MeshSilo silo, Tenant tenant, Tenant control)
    {
        var reader = silo.Services.GetRequiredService<TenantStateReader>();
        Assert.Equal(await reader.CanonicalAsync(control.Id), await reader.CanonicalAsync(tenant.Id));
    }

    private static Task<IReadOnlyList<ApplyReceipt>> ReceiptsAsync(MeshSilo silo, Tenant tenant, string app) =>
        silo.Grains.GetGrain<IAppGrain>(MeshKeys.For(tenant.Id, app)).ReceiptsAsync();

    /// <summary>JubeeLove's session <paramref name="key"/>, for OmniHub's feed: the smallest event with a source and a target.</summary>
    internal static EventEnvelope Session(string key) => EnvelopeParser.Parse(
        $$"""{ "eventType": "jubeelove:session.started", "target": "omnihub", "idempotencyKey": "{{key}}", "payload": { "sessionId": "{{key}}" } }""");

    internal static EventEnvelope SafetyCheck(string checkId) => SarahsDay.Get(3).Event with
    {
        Id = EnvelopeParser.DerivedId("keepsafe", checkId),
        IdempotencyKey = checkId,
        Data = System.Text.Json.JsonSerializer.SerializeToElement(new { checkId }),
    };

    [SkippableFact]
    public async Task DeliveredHistoryIsSealedOutOfTheQueueStateAndReadBackWholeAfterARestart()
    {
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("history", adjust: s => s with { Delivery = s.Delivery with { HistoryPageSize = 3 } });
        var keys = Enumerable.Range(1, 10).Select(i => $"hist-{i:00}").ToList();
        foreach (var key in keys)
        {
            await silo.PublishAsync(tenant, Call(key));
            await MeshSilo.SettleAsync(tenant);
        }

        var stoppedAt = tenant.Clock.GetUtcNow();
        await silo.RestartAsync();
        var resumed = silo.Tenant("history", start: stoppedAt, adjust: s => s with { Delivery = s.Delivery with { HistoryPageSize = 3 } });
        var stored = await StoredStates.QueueAsync(
            silo.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(ApexOrleans.Storage.GrainStorageNames.Default), resumed.Id, "jubeelove");
        var queue = await silo.QueueAsync(resumed, "jubeelove");

        // Ten deliveries: three sealed pages of three, and only the tenth still in the queue's own state.
        Assert.Equal((3L, 1), (stored.NextHistoryPage, stored.Delivered.Count));
        Assert.Equal(keys, queue.Delivered.Select(i => i.Delivery.Envelope.IdempotencyKey));
        Assert.Equal(10L, queue.DeliveredCount);
    }

    [SkippableFact]
    public async Task RetiringATenantDeactivatesItsGrainsAndNoOtherTenantsOnes()
    {
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var retired = silo.Tenant("retired");
        var kept = silo.Tenant("kept");
        await PublishBeatsAsync(silo, retired, SarahsDay.Beats.Count);
        await PublishBeatsAsync(silo, kept, SarahsDay.Beats.Count);
        var before = silo.ActivationCount;

        Assert.True(await silo.TenantsOf(retired.Id).RetireAsync(retired.Id));
        var after = silo.ActivationCount;
        Assert.True(await silo.TenantsOf(kept.Id).RetireAsync(kept.Id));

        // Each day activates its 13 keys and, for every app, its app grain (12) and most queues and circuits.
        Assert.InRange(before - after, SarahsDay.Beats.Count + 12, before / 2);
        Assert.True(after - silo.ActivationCount >= SarahsDay.Beats.Count + 12, "the kept tenant's grains were still there");
    }

    [SkippableFact]
    public async Task DeliveredHistoryPastItsLimitDropsItsOldestPages()
    {
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var tenant = silo.Tenant("history-limit", adjust: s => s with { Delivery = s.Delivery with { HistoryPageSize = 2, DeliveredHistoryLimit = 4 } });
        foreach (var i in Enumerable.Range(1, 9))
        {
            await silo.PublishAsync(tenant, Call($"limit-{i}"));
            await MeshSilo.SettleAsync(tenant);
        }

        var queue = await silo.QueueAsync(tenant, "jubeelove");
        var storage = silo.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(ApexOrleans.Storage.GrainStorageNames.Default);
        var pagesKept = new List<bool>();
        foreach (var page in Enumerable.Range(0, 4))
        {
            var stored = new Orleans.GrainState<DeliveryHistoryPage>(new DeliveryHistoryPage());
            await storage.ReadStateAsync($"queue-history-{page}", Orleans.Runtime.GrainId.Create("delivery", MeshKeys.For(tenant.Id, "jubeelove")), stored);
            pagesKept.Add(stored.RecordExists);
        }

        // Four pages sealed, the two oldest dropped (and cleared in storage): items 5 to 8 in pages, 9 still recent.
        Assert.Equal(["limit-5", "limit-6", "limit-7", "limit-8", "limit-9"], queue.Delivered.Select(i => i.Delivery.Envelope.IdempotencyKey));
        Assert.Equal([false, false, true, true], pagesKept);
        Assert.Equal(9L, queue.DeliveredCount);
    }

    [SkippableFact]
    public async Task TheDayInAnyOrderEndsInTheSameStateAsInOrder()
    {
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);

        await DayPermutations.CheckAsync(silo, permutations: 6);
    }

    internal static async Task PublishBeatsAsync(MeshSilo silo, Tenant tenant, int through)
    {
        foreach (var beat in SarahsDay.Beats.Take(through))
        {
            await tenant.Timeline.RunUntilAsync(beat.Time);
            await silo.PublishAsync(tenant, beat.Event);
        }

        await MeshSilo.SettleAsync(tenant);
    }

    private static EventEnvelope Call(string callId) => SarahsDay.Get(1).Event with
    {
        Id = EnvelopeParser.DerivedId("tradeline247", callId),
        IdempotencyKey = callId,
        Data = System.Text.Json.JsonSerializer.SerializeToElement(new { callId }),
    };
}

/// <summary>
/// The same guarantees on a three-silo test cluster over one store, as silos share a database: each tenant's grains
/// live on the silo its placement picks, and the test drives them through the first silo.
/// </summary>
public sealed class ThreeSiloMeshGuarantees : MeshGuarantees
{
    private readonly MemoryGrainStore _store = new(); // one per test: kept across the cluster's restarts

    protected override GrainStorageChoice Storage => GrainStorageChoice.Memory(_store);

    protected override short Silos => 3;

    [Fact]
    public async Task EachTenantsGrainsLiveOnItsSiloAndTenantsSpreadOverTheCluster()
    {
        await using var silo = await MeshSilo.StartAsync(Storage, silos: Silos);
        var management = silo.Grains.GetGrain<Orleans.Runtime.IManagementGrain>(0);
        var hosts = new HashSet<Orleans.Runtime.SiloAddress>();
        for (var i = 0; i < 9; i++)
        {
            var tenant = silo.Tenant($"spread-{i}");
            await silo.PublishAsync(tenant, SarahsDay.Get(1).Event);
            await MeshSilo.SettleAsync(tenant);
            Assert.Equal(1, (await silo.AppAsync(tenant, "omnihub")).AppliedCount); // delivered across silos from the first one
            var app = await management.GetActivationAddress(silo.Grains.GetGrain<IAppGrain>(MeshKeys.For(tenant.Id, "omnihub")));
            var queue = await management.GetActivationAddress(silo.Grains.GetGrain<IDeliveryGrain>(MeshKeys.For(tenant.Id, "jubeelove")));
            Assert.Equal(app, queue); // one tenant, one silo
            hosts.Add(app!);
        }

        Assert.True(hosts.Count > 1, "nine tenants all landed on one silo");
    }
}

public sealed class SqliteMeshGuarantees : MeshGuarantees, IDisposable
{
    private readonly TempFolder _folder = new();

    protected override GrainStorageChoice Storage => GrainStorageChoice.Sqlite(_folder.File("mesh.db"));

    public void Dispose() => _folder.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresMeshGuarantees(PostgresFixture postgres) : MeshGuarantees
{
    private readonly string _schema = PostgresFixture.NewSchemaName();

    protected override GrainStorageChoice Storage => GrainStorageChoice.Postgres(postgres.ConnectionString, _schema);
}
