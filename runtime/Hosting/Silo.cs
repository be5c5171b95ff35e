using ApexOrleans.Runtime.Activation;
using Microsoft.Extensions.Hosting;

namespace ApexOrleans.Runtime.Hosting;

/// <summary>
/// The silo's lifecycle as a hosted service. Start: accept calls, start idle collection. Stop: stop
/// collection, let accepted turns finish, deactivate every activation (OnDeactivateAsync runs), refuse calls.
/// </summary>
public sealed class Silo : IHostedService
{
    private readonly GrainRuntime _runtime;
    private readonly ActivationCollector _collector;
    private CancellationTokenSource? _stopping;
    private Task? _collecting;

    internal Silo(GrainRuntime runtime, ActivationCollector collector)
    {
        _runtime = runtime;
        _collector = collector;
    }

    /// <summary>The factory for grain references on this silo.</summary>
    public IGrainFactory GrainFactory => _runtime.GrainFactory;

    /// <summary>How many activations are in memory now.</summary>
    public int ActivationCount => _runtime.ActivationCount;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _runtime.Start();
        _stopping = new CancellationTokenSource();
        _collecting = _collector.RunAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is not null)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _collecting!.ConfigureAwait(false);
        }

        await _runtime.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Collects idle activations now (Orleans' ForceActivationCollection): those idle for at least
    /// <paramref name="ageLimit"/>, or for their configured age when null. Returns how many were deactivated.
    /// </summary>
    public Task<int> CollectIdleActivationsAsync(TimeSpan? ageLimit = null) => _collector.CollectAsync(ageLimit);

    /// <summary>
    /// Collects the activations with <paramref name="keys"/>, of any grain type, idle for at least <paramref name="ageLimit"/>
    /// (busy ones are left alone); each key is looked up, so the cost follows the keys, not the silo's activations.
    /// </summary>
    public Task<int> CollectIdleActivationsAsync(TimeSpan ageLimit, IEnumerable<string> keys) => _collector.CollectAsync(ageLimit, keys);
}
