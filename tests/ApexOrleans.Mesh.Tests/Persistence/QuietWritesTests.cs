using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using MemoryGrainStorage = ApexOrleans.Storage.MemoryGrainStorage;

namespace ApexOrleans.Mesh.Tests.Persistence;

/// <summary>
/// What the mesh leaves unwritten on purpose, and where it is stored instead: a failed attempt that reached no app rides on
/// the queue's next write, a circuit's count of failures is never stored (only its transitions, after the failures behind
/// them); an item an earlier entry accepted is stored without its event, and a repeated delivery by its key. Each test reads the store back, as the grains' next activations would.
/// </summary>
public sealed class QuietWritesTests
{
    private static readonly EventEnvelope Session = MeshGuarantees.Session("s-quiet");

    [Fact]
    public async Task AnAttemptThatFailedBeforeTheAppIsStoredWithTheQueuesNextWrite()
    {
        var store = new CountingWrites(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()));
        var chaos = new ScriptedChaos(a => a.Target == "omnihub" && a.Attempt == 1 ? FaultKind.NetworkFailure : FaultKind.None);
        await using var silo = await MeshSilo.StartOverAsync(store);
        var tenant = silo.Tenant("quiet-attempt", chaos);

        await silo.PublishAsync(tenant, Session);
        await MeshSilo.SettleAsync(tenant);

        // The acceptance, then the delivery with both attempts: the failed one was not a write of its own, nor a circuit's.
        Assert.Equal(2, store.WritesOf("queue", $"{tenant.Id}/omnihub"));
        Assert.Equal(0, store.WritesOf("circuit", $"{tenant.Id}/omnihub"));
        var stored = Assert.Single((await StoredStates.QueueAsync(store, tenant.Id, "omnihub")).Delivered);
        Assert.Equal([false, true], stored.Attempts.Select(a => a.Succeeded));
        Assert.Equal(FaultKind.NetworkFailure, stored.Attempts[0].Fault);
        Assert.Equal("s-quiet", stored.Delivery.Envelope.IdempotencyKey); // the entry that delivered it left the event to the one that accepted it
        Assert.Equal("s-quiet", stored.Delivery.Envelope.Data.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task FailuresInARowAreStoredWithTheOpeningTheyCause()
    {
        var store = new CountingWrites(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()));
        var chaos = new ScriptedChaos(a => a.Target == "omnihub" && a.Attempt <= 5 ? FaultKind.NetworkFailure : FaultKind.None);
        await using var silo = await MeshSilo.StartOverAsync(store);
        var tenant = silo.Tenant("quiet-circuit", chaos);

        await silo.PublishAsync(tenant, Session);
        await MeshSilo.SettleAsync(tenant);

        // Five failures, one opening; the break ends, the probe succeeds, one closing: two writes, not one per failure.
        Assert.Equal(2, store.WritesOf("circuit", $"{tenant.Id}/omnihub"));
        var circuit = await StoredCircuitAsync(store, tenant.Id, "omnihub");
        Assert.Equal(CircuitStatus.Closed, circuit.Status);
        Assert.Equal(
            [(CircuitStatus.Closed, CircuitStatus.Open), (CircuitStatus.Open, CircuitStatus.HalfOpen), (CircuitStatus.HalfOpen, CircuitStatus.Closed)],
            circuit.Transitions.Select(t => (t.From, t.To)));
        Assert.StartsWith("5 consecutive failures", circuit.Transitions[0].Cause);

        // The queue stored each failure before the opening that names the fifth: the evidence bears the opening out.
        var item = Assert.Single((await StoredStates.QueueAsync(store, tenant.Id, "omnihub")).Delivered);
        Assert.Equal(6, item.Attempts.Count);
        Assert.Equal(circuit.Transitions[0].At, item.Attempts[4].At);
    }

    [Fact]
    public async Task AnOpeningIsStoredOnlyAfterTheFailuresBehindIt()
    {
        // Failures that reached no app ride on the queue's next write; the one that opens the circuit must not leave them
        // behind the opening, or a crash between the two writes would leave an opening the evidence cannot bear out.
        var inner = new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer());
        var storedAtOpening = new List<int>();
        var store = new CountingWrites(inner, beforeWrite: async (name, key) =>
        {
            if (name == "circuit" && key == "quiet-opening/omnihub")
            {
                storedAtOpening.Add((await StoredStates.QueueAsync(inner, "quiet-opening", "omnihub")).Pending.Sum(i => i.Attempts.Count(a => !a.Succeeded)));
            }
        });
        var chaos = new ScriptedChaos(a => a.Target == "omnihub" && a.Attempt <= 5 ? FaultKind.NetworkFailure : FaultKind.None);
        await using var silo = await MeshSilo.StartOverAsync(store);
        var tenant = silo.Tenant("quiet-opening", chaos);

        await silo.PublishAsync(tenant, Session);
        await MeshSilo.SettleAsync(tenant);

        Assert.Equal(5, storedAtOpening[0]); // the opening's write came after all five failures were stored
    }

    [Fact]
    public async Task ACountOfFailuresIsNeverStoredOnItsOwn()
    {
        // Read, or gone with its activation, a circuit that counted failures stores nothing: a stored count could outlive the
        // queue's records of those failures (deferred, and lost with a crash) and open the circuit on failures nobody holds.
        var store = new CountingWrites(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()));
        var chaos = new ScriptedChaos(a => a.Target == "omnihub" ? FaultKind.NetworkFailure : FaultKind.None);
        await using var silo = await MeshSilo.StartOverAsync(store);
        var tenant = silo.Tenant("quiet-count", chaos);

        await silo.PublishAsync(tenant, Session);
        await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromSeconds(2)); // attempts at 0, 0.5 and 1.5 s
        Assert.Equal(3, (await silo.CircuitAsync(tenant, "omnihub")).ConsecutiveFailures);
        await silo.CollectIdleActivationsAsync();
        await Task.Delay(200);

        Assert.Equal(0, store.WritesOf("circuit", $"{tenant.Id}/omnihub"));
        Assert.Equal(3, (await StoredStates.QueueAsync(store, tenant.Id, "omnihub")).Pending.Single().Attempts.Count); // the queue's went with it
    }

    [Fact]
    public async Task ARepeatedDeliveryIsStoredByItsKeyAloneAndCountedOnReplay()
    {
        var inner = new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer());
        var store = new CountingWrites(inner);
        var chaos = new ScriptedChaos(a => a.Target == "omnihub" && a.Attempt == 1 ? FaultKind.Duplicate : FaultKind.None);
        await using var silo = await MeshSilo.StartOverAsync(store);
        var tenant = silo.Tenant("quiet-repeat", chaos);

        await silo.PublishAsync(tenant, Session);
        await MeshSilo.SettleAsync(tenant);

        var entries = await AppEntriesAsync(inner, tenant.Id, "omnihub");
        Assert.Equal(2, entries.Count);
        Assert.NotNull(entries[0].Delivery);
        Assert.Null(entries[1].Delivery); // the network's second copy: the event is not stored again
        Assert.Equal(entries[0].Delivery!.InboxKey, entries[1].Repeat);
        var receipt = Assert.Single((await StoredStates.BooksAsync(inner, tenant.Id, "omnihub")).Inbox.Values);
        Assert.Equal(1, receipt.DuplicatesRefused);
    }

    private static async Task<List<AppJournalEntry>> AppEntriesAsync(IGrainStorage store, string tenant, string app)
    {
        var entries = new List<AppJournalEntry>();
        for (var n = 1; ; n++)
        {
            var entry = new GrainState<AppJournalEntry>();
            await store.ReadStateAsync($"{AppGrain.StateName}/{n}", GrainId.Create("app", $"{tenant}/{app}"), entry);
            if (entry is not { RecordExists: true, State: { } stored })
            {
                return entries;
            }

            entries.Add(stored);
        }
    }

    private static async Task<CircuitState> StoredCircuitAsync(IGrainStorage store, string tenant, string app)
    {
        var state = new GrainState<CircuitState>(new CircuitState());
        await store.ReadStateAsync("circuit", GrainId.Create("circuitbreaker", $"{tenant}/{app}"), state);
        Assert.True(state.RecordExists);
        return Assert.IsType<CircuitState>(state.State);
    }

    /// <summary>A store that counts the writes of each state of each grain, and may look at the store before each.</summary>
    private sealed class CountingWrites(IGrainStorage inner, Func<string, string, Task>? beforeWrite = null) : IGrainStorage
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(string State, string Key), int> _writes = new();

        public int WritesOf(string state, string key) => _writes.Where(w => StoredStates.IsWriteOf(w.Key.State, state) && w.Key.Key == key).Sum(w => w.Value);

        public Task ReadStateAsync<T>(string name, GrainId id, IGrainState<T> state) => inner.ReadStateAsync(name, id, state);

        public Task ClearStateAsync<T>(string name, GrainId id, IGrainState<T> state) => inner.ClearStateAsync(name, id, state);

        public async Task WriteStateAsync<T>(string name, GrainId id, IGrainState<T> state)
        {
            if (beforeWrite is not null)
            {
                await beforeWrite(name, id.Key.ToString()!);
            }

            await inner.WriteStateAsync(name, id, state);
            _writes.AddOrUpdate((name, id.Key.ToString()!), 1, (_, n) => n + 1);
        }
    }
}
