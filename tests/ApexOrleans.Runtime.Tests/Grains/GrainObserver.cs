using System.Collections.Concurrent;

namespace ApexOrleans.Runtime.Tests.Grains;

/// <summary>Counts what test grains do (constructions, activations, overlapping turns), injected into them by the silo.</summary>
public sealed class GrainObserver
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentDictionary<string, int> _inFlight = new();
    private readonly ConcurrentDictionary<string, int> _maxInFlight = new();

    public int Count(string what) => _counts.GetValueOrDefault(what);

    public void Increment(string what) => _counts.AddOrUpdate(what, 1, (_, n) => n + 1);

    /// <summary>Most turns (or activations) that ever ran at once under <paramref name="scope"/>.</summary>
    public int MaxConcurrent(string scope) => _maxInFlight.GetValueOrDefault(scope);

    public IDisposable Enter(string scope)
    {
        var now = _inFlight.AddOrUpdate(scope, 1, (_, n) => n + 1);
        _maxInFlight.AddOrUpdate(scope, now, (_, max) => Math.Max(max, now));
        return new Exit(() => _inFlight.AddOrUpdate(scope, 0, (_, n) => n - 1));
    }

    private sealed class Exit(Action exit) : IDisposable
    {
        public void Dispose() => exit();
    }
}
