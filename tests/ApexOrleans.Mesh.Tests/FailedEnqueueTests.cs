using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using MemoryGrainStorage = ApexOrleans.Storage.MemoryGrainStorage;

namespace ApexOrleans.Mesh.Tests;

/// <summary>
/// A queue write that fails, or seems to: what the caller was told is what the queue keeps, the store has the last word
/// on a write whose answer was lost, and a failed turn waits before it runs again whoever schedules it.
/// </summary>
public sealed class FailedEnqueueTests
{
    [Fact]
    public async Task AFailedPublishWhoseAttemptReachedNoAppIsNotDeliveredLater()
    {
        // On a real clock the source's delivery is attempted in the enqueue: it fails before the app, then the queue's write
        // fails. The publish failed, so its event must not turn up later.
        var store = new HookedWrites();
        var chaos = new ScriptedChaos(c => c.Target == "jubeelove" && c.Attempt == 1 ? FaultKind.NetworkFailure : FaultKind.None);
        await using var silo = await MeshSilo.StartOverAsync(store);
        var tenant = silo.Tenant("taken-back", chaos, adjust: s => s with { Clock = TimeProvider.System });
        store.Hook("queue", "/jubeelove", () => throw new IOException("The queue write fails."));

        await Assert.ThrowsAnyAsync<Exception>(() => silo.PublishAsync(tenant, MeshGuarantees.Session("s-1")));
        await Task.Delay(TimeSpan.FromSeconds(2)); // past the queue's retry wait
        await tenant.Timeline.SettleAsync(DateTimeOffset.MaxValue).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty((await silo.AppAsync(tenant, "jubeelove")).Rows("sessions"));
        Assert.Empty((await silo.AppAsync(tenant, "omnihub")).Rows("feed"));
        Assert.Equal(0, (await silo.QueueAsync(tenant, "jubeelove")).PendingCount);
    }

    [Fact]
    public async Task AnEnqueueWhoseWriteWasStoredButLostItsAnswerIsKeptAsTheStoreHoldsIt()
    {
        var store = new HookedWrites();
        await using var silo = await MeshSilo.StartOverAsync(store);
        var tenant = silo.Tenant("answer-lost");
        store.Hook("queue", "/jubeelove", () => Task.CompletedTask, thenFail: true);

        await Assert.ThrowsAnyAsync<Exception>(() => silo.PublishAsync(tenant, MeshGuarantees.Session("s-1")));
        Assert.Single((await StoredStates.QueueAsync(store.Inner, tenant.Id, "jubeelove")).Pending);
        await MeshSilo.SettleAsync(tenant);

        // The store took it: memory agrees, it is delivered, and the caller's retry is told it was accepted.
        Assert.Equal(1, (await silo.QueueAsync(tenant, "jubeelove")).DeliveredCount);
        Assert.Single((await silo.AppAsync(tenant, "omnihub")).Rows("feed"));
        var retry = await silo.PublishAsync(tenant, MeshGuarantees.Session("s-1"));
        Assert.Contains(retry.Status, new[] { Contracts.Idempotency.PublishStatus.Accepted, Contracts.Idempotency.PublishStatus.Duplicate });
        Assert.Single((await silo.AppAsync(tenant, "omnihub")).Rows("feed"));
    }

    [Fact]
    public async Task AFailedTurnIsNotRunAgainAtOnceByTheNextEnqueue()
    {
        // OmniHub's first attempt of s-1 fails and opens its circuit (a threshold of one), which cannot store the opening: the
        // turn fails. The next publish schedules the queue at once; s-1 must still wait the retry wait.
        var store = new HookedWrites();
        var chaos = new ScriptedChaos(a => a.Target == "omnihub" && a.Attempt == 1 && a.Envelope.IdempotencyKey == "s-1" ? FaultKind.NetworkFailure : FaultKind.None);
        await using var silo = await MeshSilo.StartOverAsync(store);
        var tenant = silo.Tenant("retry-wait", chaos, adjust: s => s with { Circuit = s.Circuit with { FailureThreshold = 1 } });
        store.Hook("circuit", "/omnihub", () => throw new IOException("The circuit write fails."));

        await silo.PublishAsync(tenant, MeshGuarantees.Session("s-1"));
        await tenant.Timeline.RunUntilAsync(tenant.Clock.GetUtcNow());
        await silo.PublishAsync(tenant, MeshGuarantees.Session("s-2"));
        await MeshSilo.SettleAsync(tenant);

        var item = (await silo.QueueAsync(tenant, "omnihub")).Delivered.First(i => i.Delivery.Envelope.IdempotencyKey == "s-1");
        Assert.Equal([false, true], item.Attempts.Select(a => a.Succeeded));
        Assert.True(item.Attempts[1].At - item.Attempts[0].At >= TenantTimeline.RetryAfterFailure,
            $"attempted again {item.Attempts[1].At - item.Attempts[0].At} after the failed turn");
    }

    [Fact]
    public async Task ADispatchThatFailedDoesNotDropTheNewerNoticeThatCameMeanwhile()
    {
        // On a real clock: JubeeLove's dispatch of A hangs in OmniHub's queue write, B is published meanwhile (a newer notice:
        // A and B), then the write fails. The retry must carry B too.
        var store = new HookedWrites();
        await using var silo = await MeshSilo.StartOverAsync(store);
        var tenant = silo.Tenant("newer-notice", adjust: s => s with { Clock = TimeProvider.System });
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Hook("queue", "/omnihub", async () =>
        {
            entered.TrySetResult();
            await release.Task;
            throw new IOException("OmniHub's queue write fails.");
        });

        await silo.PublishAsync(tenant, MeshGuarantees.Session("s-1"));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await silo.PublishAsync(tenant, MeshGuarantees.Session("s-2"));
        release.SetResult();
        await Task.Delay(TimeSpan.FromSeconds(2)); // past the dispatch's retry wait
        await tenant.Timeline.SettleAsync(DateTimeOffset.MaxValue).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, (await silo.AppAsync(tenant, "jubeelove")).OutboxDepth);
        Assert.Equal(2, (await silo.AppAsync(tenant, "omnihub")).Rows("feed").Count);
    }

    /// <summary>A memory store whose next write of one state of one grain runs a hook first (and, if asked, fails once stored).</summary>
    private sealed class HookedWrites : IGrainStorage
    {
        private readonly Lock _gate = new();
        private (string State, string Suffix, Func<Task> Before, bool ThenFail)? _hook;

        public IGrainStorage Inner { get; } = new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer());

        public void Hook(string state, string suffix, Func<Task> before, bool thenFail = false)
        {
            lock (_gate)
            {
                _hook = (state, suffix, before, thenFail);
            }
        }

        public Task ReadStateAsync<T>(string name, GrainId id, IGrainState<T> state) => Inner.ReadStateAsync(name, id, state);

        public Task ClearStateAsync<T>(string name, GrainId id, IGrainState<T> state) => Inner.ClearStateAsync(name, id, state);

        public async Task WriteStateAsync<T>(string name, GrainId id, IGrainState<T> state)
        {
            (string State, string Suffix, Func<Task> Before, bool ThenFail)? hook = null;
            lock (_gate)
            {
                if (_hook is { } h && StoredStates.IsWriteOf(name, h.State) && id.Key.ToString()!.EndsWith(h.Suffix, StringComparison.Ordinal))
                {
                    (hook, _hook) = (h, null);
                }
            }

            if (hook is { } once)
            {
                await once.Before();
                if (once.ThenFail)
                {
                    await Inner.WriteStateAsync(name, id, state);
                    throw new IOException("Stored, but the answer was lost.");
                }
            }

            await Inner.WriteStateAsync(name, id, state);
        }
    }
}
