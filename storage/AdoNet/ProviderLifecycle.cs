
namespace ApexOrleans.Storage.AdoNet;

/// <summary>
/// A silo lifecycle of one wrapped provider: it keeps what the provider subscribes and starts it when its owner says, so
/// the owner decides when the provider initialises (after the schema is set up, and again after a failed try).
/// </summary>
internal sealed class ProviderLifecycle : ISiloLifecycle
{
    private readonly List<(int Stage, ILifecycleObserver Observer)> _observers = [];

    /// <inheritdoc />
    public int HighestCompletedStage { get; private set; } = int.MinValue;

    /// <inheritdoc />
    public int LowestStoppedStage { get; private set; } = int.MaxValue;

    /// <inheritdoc />
    public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
    {
        _observers.Add((stage, observer));
        return new Unsubscriber(() => _observers.Remove((stage, observer)));
    }

    /// <summary>Starts every subscribed observer in stage order.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (stage, observer) in _observers.OrderBy(o => o.Stage).ToList())
        {
            await observer.OnStart(cancellationToken).ConfigureAwait(false);
            HighestCompletedStage = stage;
        }
    }

    private sealed class Unsubscriber(Action unsubscribe) : IDisposable
    {
        public void Dispose() => unsubscribe();
    }
}
