using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using MemoryGrainStorage = ApexOrleans.Storage.MemoryGrainStorage;

namespace ApexOrleans.Mesh.Tests.Persistence;

/// <summary>
/// A circuit's transitions stay borne out by the queue's stored attempts whatever is lost: a crash, a reader's visit, a
/// queue that goes without storing what it deferred, a probe's turn cut short. The verifier requires an opening to follow
/// at least <c>FailureThreshold</c> stored failures since the last success, and a closing to be a stored, successful probe.
/// </summary>
public sealed class CircuitEvidenceTests
{
    private static readonly EventEnvelope Session = MeshGuarantees.Session("s-phantom");

    [Fact]
    public async Task AReadCircuitStoresNoCountThatACrashCouldLeaveWithoutItsFailures()
    {
        var store = new Crashable(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()));
        var chaos = new ScriptedChaos(a => a.Target == "omnihub" && a.Attempt <= 6 ? FaultKind.NetworkFailure : FaultKind.None);
        await using var silo = await MeshSilo.StartOverAsync(store);
        var tenant = silo.Tenant("read-count", chaos);

        await silo.PublishAsync(tenant, Session);
        await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromSeconds(2)); // three failures, deferred
        Assert.Equal(3, (await silo.CircuitAsync(tenant, "omnihub")).ConsecutiveFailures); // a beat's reading: the circuit stores its count
        var stoppedAt = tenant.Clock.GetUtcNow();

        store.Down = true; // the process dies: nothing more reaches the store
        await silo.RestartAsync();
        store.Down = false;
        var resumed = silo.Tenant("read-count", chaos, start: stoppedAt);
        await silo.Gateway.ResumeAsync(resumed.Id);
        await silo.QueueAsync(resumed, "omnihub");
        await MeshSilo.SettleAsync(resumed);

        var circuit = await silo.CircuitAsync(resumed, "omnihub");
        var opening = circuit.Transitions.First(t => t.To == CircuitStatus.Open);
        var item = Assert.Single((await silo.QueueAsync(resumed, "omnihub")).Delivered);
        var failuresBehind = item.Attempts.Count(a => !a.Succeeded && !a.Probe && a.At <= opening.At);
        // CircuitsCheck requires FailureThreshold (5) failed attempts since the last success behind an opening.
        Assert.True(failuresBehind >= 5, $"opening '{opening.Cause}' at {opening.At:O} is borne out by only {failuresBehind} stored failed attempts");
    }

    [Fact]
    public async Task ACrashAfterASuccessDoesNotBringBackTheFailuresItCleared()
    {
        var store = new Crashable(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()));
        var chaos = new ScriptedChaos(a => a.Target == "omnihub" && a.Attempt <= 3 ? FaultKind.NetworkFailure : FaultKind.None);
        await using var silo = await MeshSilo.StartOverAsync(store);
        var tenant = silo.Tenant("stale-count", chaos);

        await silo.PublishAsync(tenant, Session);
        await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromSeconds(2)); // three failures
        Assert.Equal(3, (await silo.CircuitAsync(tenant, "omnihub")).ConsecutiveFailures); // a beat's reading stores the count
        await MeshSilo.SettleAsync(tenant); // the fourth attempt delivers it: the count goes back to 0 in memory only
        Assert.Single((await silo.QueueAsync(tenant, "omnihub")).Delivered);
        var stoppedAt = tenant.Clock.GetUtcNow();

        store.Down = true; // the process dies
        await silo.RestartAsync();
        store.Down = false;
        var resumed = silo.Tenant("stale-count", chaos, start: stoppedAt);
        await silo.Gateway.ResumeAsync(resumed.Id);
        await silo.PublishAsync(resumed, MeshGuarantees.Session("s-next"));
        await MeshSilo.SettleAsync(resumed);

        var circuit = await silo.CircuitAsync(resumed, "omnihub");
        var opening = circuit.Transitions.FirstOrDefault(t => t.To == CircuitStatus.Open);
        Assert.True(opening is null, $"opening '{opening?.Cause}' at {opening?.At:O}, {circuit.Transitions.Count} transitions");
    }

    [Fact]
    public async Task AQueueThatLostItsDeferredFailuresHasItsCircuitForgetThem()
    {
        var store = new Crashable(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()));
        var chaos = new ScriptedChaos(a => a.Target == "omnihub" && a.Attempt <= 6 ? FaultKind.NetworkFailure : FaultKind.None);
        await using var silo = await MeshSilo.StartOverAsync(store);
        var tenant = silo.Tenant("queue-goes", chaos);

        await silo.PublishAsync(tenant, Session);
        await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromSeconds(2)); // three failures, deferred

        store.QueueDown = true; // the queue goes (collected, or its silo stops) and its one try to store them fails
        var queueId = silo.Grains.GetGrain<ApexOrleans.Contracts.Deliveries.IDeliveryGrain>(ApexOrleans.Contracts.Tenancy.MeshKeys.For(tenant.Id, "omnihub")).GetGrainId();
        await silo.Grains.GetGrain<IManagementGrain>(0).DeactivateGrain(queueId);
        await Task.Delay(500);
        store.QueueDown = false;
        await silo.Gateway.ResumeAsync(tenant.Id);
        await MeshSilo.SettleAsync(tenant);

        var circuit = await silo.CircuitAsync(tenant, "omnihub");
        var opening = circuit.Transitions.First(t => t.To == CircuitStatus.Open);
        var item = Assert.Single((await silo.QueueAsync(tenant, "omnihub")).Delivered);
        var failuresBehind = item.Attempts.Count(a => !a.Succeeded && !a.Probe && a.At <= opening.At);
        Assert.True(failuresBehind >= 5, $"opening '{opening.Cause}' at {opening.At:O} is borne out by only {failuresBehind} stored failed attempts");
    }

    [Fact]
    public async Task AProbeIsStoredBeforeTheClosingItCauses()
    {
        var store = new Crashable(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()));
        var chaos = new ScriptedChaos(a => a.Target == "omnihub" && a.Attempt == 1 ? FaultKind.NetworkFailure : FaultKind.None);
        await using var silo = await MeshSilo.StartOverAsync(store);
        var tenant = silo.Tenant("probe-lost", chaos, adjust: s => s with { Circuit = s.Circuit with { FailureThreshold = 1 } });

        await silo.PublishAsync(tenant, Session);
        await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromSeconds(2)); // the failure opens it
        store.QueueDown = true; // the probe's turn: the circuit stores its closing, then the process dies before the queue's write
        await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromSeconds(120));
        var stoppedAt = tenant.Clock.GetUtcNow();
        store.Down = true;
        await silo.RestartAsync();
        (store.Down, store.QueueDown) = (false, false);
        var resumed = silo.Tenant("probe-lost", chaos, start: stoppedAt, adjust: s => s with { Circuit = s.Circuit with { FailureThreshold = 1 } });
        await silo.Gateway.ResumeAsync(resumed.Id);
        await MeshSilo.SettleAsync(resumed);

        var circuit = await silo.CircuitAsync(resumed, "omnihub");
        var closing = circuit.Transitions.First(t => t.To == CircuitStatus.Closed);
        var item = Assert.Single((await silo.QueueAsync(resumed, "omnihub")).Delivered);
        Assert.True(item.Attempts.Any(a => a.At == closing.At && a.Probe && a.Succeeded),
            $"closing at {closing.At:O}; stored attempts: {string.Join(", ", item.Attempts.Select(a => $"{a.At:HH:mm:ss} probe={a.Probe} ok={a.Succeeded}"))}");
    }

    /// <summary>A memory store that can refuse every write (the process is gone) or the queues' alone.</summary>
    private sealed class Crashable(IGrainStorage inner) : IGrainStorage
    {
        public volatile bool Down;
        public volatile bool QueueDown;

        public Task ReadStateAsync<T>(string name, GrainId id, IGrainState<T> state) => inner.ReadStateAsync(name, id, state);

        public Task ClearStateAsync<T>(string name, GrainId id, IGrainState<T> state) =>
            Down ? Task.FromException(new IOException("crashed")) : inner.ClearStateAsync(name, id, state);

        public Task WriteStateAsync<T>(string name, GrainId id, IGrainState<T> state) =>
            Down || (QueueDown && name.StartsWith("queue", StringComparison.Ordinal)) ? Task.FromException(new IOException("crashed")) : inner.WriteStateAsync(name, id, state);
    }
}
