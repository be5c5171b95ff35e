using ApexOrleans.Runtime.Activation;
using Microsoft.Extensions.Options;

namespace ApexOrleans.Runtime.Hosting;

/// <summary>Deactivates activations idle past their collection age, every collection quantum on the silo's clock.</summary>
internal sealed class ActivationCollector(GrainRuntime runtime, IOptions<GrainCollectionOptions> options)
{
    private readonly GrainCollectionOptions _options = options.Value;

    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.CollectionQuantum, runtime.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                _ = CollectAsync(ageLimit: null);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Collects every activation idle for its age limit (or <paramref name="ageLimit"/>), of those <paramref name="where"/>
    /// accepts when given; returns how many.
    /// </summary>
    public async Task<int> CollectAsync(TimeSpan? ageLimit, Func<GrainId, bool>? where = null)
    {
        var collecting = new List<Task>();
        foreach (var activation in runtime.EnumerateActivations())
        {
            if ((where is null || where(activation.GrainId)) && activation.TryCollect(ageLimit ?? AgeOf(activation.GrainClass)) is { } deactivated)
            {
                collecting.Add(deactivated);
            }
        }

        await Task.WhenAll(collecting).ConfigureAwait(false);
        return collecting.Count;
    }

    private TimeSpan AgeOf(GrainClass grainClass) =>
        grainClass.CollectionAge
        ?? (_options.ClassSpecificCollectionAge.TryGetValue(grainClass.TypeName, out var age) ? age : _options.CollectionAge);
}
