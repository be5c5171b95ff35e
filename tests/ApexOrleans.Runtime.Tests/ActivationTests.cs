using ApexOrleans.Runtime.Tests.Grains;

namespace ApexOrleans.Runtime.Tests;

public sealed class ActivationTests
{
    [Fact]
    public async Task ThousandRacingCallersShareOneActivation()
    {
        await using var silo = await RuntimeSilo.StartAsync();
        using var go = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, 1000).Select(_ => Task.Run(() =>
        {
            go.Wait();
            return silo.Grains.GetGrain<IConstructionCountingGrain>("contended").ActivationIdAsync();
        })).ToList();

        go.Set();
        var activationIds = await Task.WhenAll(callers);

        Assert.Single(activationIds.Distinct());
        Assert.Equal(1, silo.Observer.Count("constructed:constructioncounting/contended"));
        Assert.Equal(1, silo.Observer.Count("activated:constructioncounting/contended"));
        Assert.Equal(1, silo.Cluster.Silo.ActivationCount);
    }

    [Fact]
    public async Task ExceptionReachesTheCallerUnchangedAndTheActivationLivesOn()
    {
        await using var silo = await RuntimeSilo.StartAsync();
        var grain = silo.Grains.GetGrain<IFailingGrain>("f");
        var activation = await grain.ActivationIdAsync();

        var rejected = await Assert.ThrowsAsync<InvoiceRejectedException>(() => grain.ThrowAsync("inv-001"));
        var outOfRange = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.ThrowSynchronouslyAsync());

        Assert.Equal("Invoice inv-001 was rejected: totals do not add up.", rejected.Message);
        Assert.Equal("inv-001", rejected.InvoiceId);
        Assert.Equal("amount", outOfRange.ParamName);
        Assert.Equal(activation, await grain.ActivationIdAsync());
        Assert.Equal(3, await grain.CountAsync());
    }

    [Fact]
    public async Task FailedActivationFailsItsCallersAndTheNextCallActivatesAgain()
    {
        await using var silo = await RuntimeSilo.StartAsync();
        var grain = silo.Grains.GetGrain<IFragileActivationGrain>("x");
        silo.ActivationSwitch.Fail = true;

        var failures = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
            await Record.ExceptionAsync(() => grain.HelloAsync())));

        Assert.All(failures, e => Assert.Equal("Activation refused by the test.", Assert.IsType<InvalidOperationException>(e).Message));
        Assert.Equal(0, silo.Cluster.Silo.ActivationCount);
        silo.ActivationSwitch.Fail = false;
        Assert.Equal("hello", await grain.HelloAsync());
    }

    [Fact]
    public async Task CallsAfterTheSiloStoppedAreRefusedClearly()
    {
        var silo = await RuntimeSilo.StartAsync();
        var grain = silo.Grains.GetGrain<IPingGrain>("p");
        Assert.Equal("pong from p", await grain.PingAsync());

        await silo.DisposeAsync();

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => grain.PingAsync());
        Assert.Contains("ping/p", error.Message);
        Assert.Contains("not running", error.Message);
    }

    [Fact]
    public async Task AnInterfaceWithNoGrainClassIsRejectedWithTheFix()
    {
        await using var silo = await RuntimeSilo.StartAsync();

        var error = Assert.Throws<ArgumentException>(() => silo.Grains.GetGrain<IUnimplementedGrain>("k"));

        Assert.Contains("AddGrains", error.Message);
    }

    [Fact]
    public async Task ReferencesToOneIdentityAreEqualAndCheap()
    {
        await using var silo = await RuntimeSilo.StartAsync();

        var a = silo.Grains.GetGrain<IPingGrain>("same");
        var b = silo.Grains.GetGrain<IPingGrain>("same");

        Assert.Equal(a, b);
        Assert.Equal(0, silo.Cluster.Silo.ActivationCount);
        Assert.Equal("GrainReference(ping/same)", a.ToString());
    }

    public interface IUnimplementedGrain : IGrainWithStringKey
    {
        Task NothingAsync();
    }
}
