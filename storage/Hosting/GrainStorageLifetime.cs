using Orleans.Storage;

namespace ApexOrleans.Storage.Hosting;

/// <summary>
/// Owns one provider this project added to a silo (before any decorator wraps it) and disposes it when the silo stops:
/// at the storage stage, which stops after every grain has been deactivated, so the SQL writers commit the grains'
/// last writes and then stop. Also disposed with the silo's services, for a host disposed without being stopped. A provider
/// that takes part in the silo's lifecycle itself (the ADO.NET one) is subscribed too: decorators hide it from Orleans.
/// </summary>
internal sealed class GrainStorageLifetime(string name, IGrainStorage storage) : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable, IDisposable
{
    private int _disposed;

    /// <summary>The provider as created, undecorated.</summary>
    public IGrainStorage Storage => storage;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        (storage as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
        lifecycle.Subscribe($"{nameof(GrainStorageLifetime)}.{name}", ServiceLifecycleStage.RuntimeStorageServices,
            _ => Task.CompletedTask, async _ => await DisposeAsync().ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        switch (storage)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
