
namespace ApexOrleans.Bench.Baselines;

/// <summary>The grain side of the call comparison: the same work as <see cref="BareActor"/>, through the runtime.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Counts one request; returns the count.</summary>
    Task<long> IncrementAsync();
}

/// <summary>Counts in memory (no persistence: the comparison is of the call path).</summary>
public sealed class CounterGrain : Grain, ICounterGrain
{
    private long _count;

    /// <inheritdoc />
    public Task<long> IncrementAsync() => Task.FromResult(++_count);
}
