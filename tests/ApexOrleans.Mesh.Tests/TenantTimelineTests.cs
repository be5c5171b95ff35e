namespace ApexOrleans.Mesh.Tests;

public sealed class TenantTimelineTests
{
    [Fact]
    public async Task ATimelineStoppedTwiceAtOnceStopsCleanly()
    {
        await using var silo = await MeshSilo.StartAsync();
        var tenant = silo.Tenant("stopped-twice", adjust: s => s with { Clock = TimeProvider.System });
        var ran = new TaskCompletionSource();
        tenant.Timeline.Schedule("probe", tenant.Clock.GetUtcNow(), () => { ran.TrySetResult(); return Task.CompletedTask; });
        await ran.Task.WaitAsync(TimeSpan.FromSeconds(10)); // its real-time loop is running

        // A silo stopping while a retirement of the same tenant is under way disposes its timeline from both.
        await Task.WhenAll(tenant.Timeline.DisposeAsync().AsTask(), tenant.Timeline.DisposeAsync().AsTask());
        await tenant.Timeline.DisposeAsync();

        Assert.True(tenant.Timeline.IsIdle);
    }

    [Fact]
    public async Task FailedWorkDoesNotReplaceNewerWorkScheduledWhileItRan()
    {
        await using var silo = await MeshSilo.StartAsync();
        var tenant = silo.Tenant("newer-wins");
        var ran = new List<string>();
        var newer = () => { ran.Add("newer"); return Task.CompletedTask; };
        tenant.Timeline.Schedule("dispatch/app", tenant.Clock.GetUtcNow(), () =>
        {
            ran.Add("older");
            tenant.Timeline.Schedule("dispatch/app", tenant.Clock.GetUtcNow(), newer); // a newer notice while it runs
            throw new IOException("The older work fails.");
        });

        await tenant.Timeline.RunToQuiescenceAsync(tenant.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));

        Assert.Equal(["older", "newer"], ran); // the older work is not run again over the newer one
    }
}
