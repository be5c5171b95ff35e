using ApexOrleans.Runtime.Hosting;
using ApexOrleans.Runtime.Testing;
using ApexOrleans.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Runtime.Tests;

/// <summary>A started test cluster hosting the test grains, with the observer they report to.</summary>
internal sealed class RuntimeSilo : IAsyncDisposable
{
    private RuntimeSilo(TestCluster cluster, GrainObserver observer, ActivationSwitch activationSwitch)
    {
        Cluster = cluster;
        Observer = observer;
        ActivationSwitch = activationSwitch;
    }

    public TestCluster Cluster { get; }

    public GrainObserver Observer { get; }

    public ActivationSwitch ActivationSwitch { get; }

    public IGrainFactory Grains => Cluster.GrainFactory;

    public static async Task<RuntimeSilo> StartAsync(
        GrainStorageChoice? storage = null, TimeProvider? clock = null, Action<ISiloBuilder>? configure = null)
    {
        var observer = new GrainObserver();
        var activationSwitch = new ActivationSwitch();
        var cluster = new TestCluster(new TestClusterOptions
        {
            Storage = storage ?? GrainStorageChoice.Memory(),
            TimeProvider = clock ?? TimeProvider.System,
            ConfigureSilo = silo =>
            {
                silo.AddGrains(typeof(RuntimeSilo).Assembly);
                silo.Services.AddSingleton(observer);
                silo.Services.AddSingleton(activationSwitch);
                configure?.Invoke(silo);
            },
        });
        await cluster.StartAsync();
        return new RuntimeSilo(cluster, observer, activationSwitch);
    }

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}

/// <summary>Waits for a condition that background work makes true, failing after a generous real-time limit.</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Still not true after {limit ?? TimeSpan.FromSeconds(10)}: {what}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>
    /// The call answers within a real-time deadline, retrying calls that time out: on a loaded machine a single call
    /// may miss a short response timeout, but an identity that is stuck never answers.
    /// </summary>
    public static async Task<T> AnswersAsync<T>(Func<Task<T>> call, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                return await call();
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }
}
