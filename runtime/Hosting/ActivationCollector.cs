using ApexOrleans.Runtime.Activation;
using Microsoft.Extensions.Options;

namespace ApexOrleans.Runtime.Hosting;

/// <summary>Deactivates activations idle past their collection age, every collection quantum on the silo's clock.</summary>
internal sealed class ActivationCollector(GrainRuntime runtime, GrainClassRegistry registry, IOptions<GrainCollectionOptions> options)
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

    /// <summary>Collects every activation idle for its age limit (or <paramref name="ageLimit"/>); returns how many.</summary>
    public async Task<int> CollectAsync(TimeSpan? ageLimit)
    {
        var collecting = new List<Task>();
        foreach (var activation in runtime.EnumerateActivations())
        {
            if (activation.TryCollect(ageLimit ?? AgeOf(activation.GrainClass)) is { } deactivated)
            {
                collecting.Add(deactivated);
            }
        }

        await Task.WhenAll(collecting).ConfigureAwait(false);
        return collecting.Count;
    }

    /// <summary>
    /// Collects the activations with these keys (of any grain type) that have been idle for <paramref name="ageLimit"/>:
    /// looked up, not found by walking every activation, so it costs what it collects.
    /// </summary>
    public async Task<int> CollectAsync(TimeSpan ageLimit, IEnumerable<string> keys)
    {
        var collecting = new List<Task>();
        foreach (var key in keys)
        {
            foreach (var type in registry.TypeNames)
            {
                if (runtime.TryGetActivation(new GrainId(type, key), out var activation) && activation.TryCollect(ageLimit) is { } deactivated)
                {
                    collecting.Add(deactivated);
                }
            }
        }

        await Task.WhenAll(collecting).ConfigureAwait(false);
        return collecting.Count;
    }

    private TimeSpan AgeOf(GrainClass grainClass) =>
        grainClass.CollectionAge
        ?? (_options.ClassSpecificCollectionAge.TryGetValue(grainClass.TypeName, out var age) ? age : _options.CollectionAge);
}
