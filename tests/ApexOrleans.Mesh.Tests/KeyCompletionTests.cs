using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

using MemoryGrainStorage = ApexOrleans.Storage.MemoryGrainStorage;

namespace ApexOrleans.Mesh.Tests;

/// <summary>A publish writes its key once: whether it was accepted, and when, the key learns from the source's queue.</summary>
public sealed class KeyCompletionTests
{
    [Fact]
    public async Task AKeyIsWrittenOnceAndItsDuplicateStillGetsTheOriginalReceipt()
    {
        var storage = new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer());
        await using var silo = await MeshSilo.StartOverAsync(storage);
        var tenant = silo.Tenant("key-once");
        var invoice = SarahsDay.Get(1).Event;

        var first = await silo.PublishAsync(tenant, invoice);
        await MeshSilo.SettleAsync(tenant);
        await silo.CollectIdleActivationsAsync(); // the key forgets; only the store and the queue speak now
        var stored = new GrainState<IdempotencyState>();
        await storage.ReadStateAsync("idempotency", GrainId.Create("idempotency", MeshKeys.For(tenant.Id, invoice.ScopedKey)), stored);
        var repeat = await silo.PublishAsync(tenant, invoice);

        Assert.Equal(PublishStatus.Accepted, first.Status);
        Assert.Null(stored.State!.Receipt); // the claim was the key's only write
        Assert.Equal(first with { Status = PublishStatus.Duplicate }, repeat with { Targets = first.Targets });
        Assert.Equal(first.Targets, repeat.Targets);
        var key = await silo.KeyAsync(tenant, invoice);
        Assert.Equal((first.EventId, first.AcceptedAt, 1), (key!.Receipt!.EventId, key.Receipt.AcceptedAt, key.RefusedCount));
    }

    [Fact]
    public async Task AClaimStoredBeforeKeysKeptTheirPublishIsResumedAndItsRepeatIsADuplicate()
    {
        // A key claimed by an older silo, which stored no publish with its claim, and given up after its publish failed.
        var storage = new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer());
        await using var silo = await MeshSilo.StartOverAsync(storage);
        var tenant = silo.Tenant("key-before");
        var invoice = SarahsDay.Get(1).Event;
        var old = new IdempotencyState { Fingerprint = PayloadFingerprint.Of(invoice), EventId = invoice.Id, ClaimedAt = tenant.Clock.GetUtcNow(), ClaimedBy = "" };
        await storage.WriteStateAsync("idempotency", GrainId.Create("idempotency", MeshKeys.For(tenant.Id, invoice.ScopedKey)), new GrainState<IdempotencyState>(old));

        var resumed = await silo.PublishAsync(tenant, invoice);
        await MeshSilo.SettleAsync(tenant);
        await silo.CollectIdleActivationsAsync();
        var repeat = await silo.PublishAsync(tenant, invoice);

        Assert.Equal(PublishStatus.Accepted, resumed.Status);
        Assert.Equal(PublishStatus.Duplicate, repeat.Status);
        Assert.Equal((resumed.EventId, resumed.AcceptedAt), (repeat.EventId, repeat.AcceptedAt));
    }
}
