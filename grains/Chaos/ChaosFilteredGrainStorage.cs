using ApexOrleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace ApexOrleans.Grains.Chaos;

/// <summary>Thrown for every grain storage call while a storage outage is injected.</summary>
public sealed class InjectedStorageOutageException() : IOException("Grain storage is unavailable (an injected storage outage).");

/// <summary>
/// Grain storage behind the fault switchboard: while a storage outage is injected every read, write and clear
/// fails before reaching the store, exactly as an unreachable database would; otherwise calls pass straight through.
/// </summary>
public sealed class ChaosFilteredGrainStorage(IGrainStorage inner, FaultSwitchboard faults) : IGrainStorage, IAsyncDisposable
{
    /// <summary>The storage behind the filter.</summary>
    public IGrainStorage Inner => inner;

    /// <summary>The project's SQL storage behind the silo's default filtered storage, whose write counters it keeps; null on any other storage.</summary>
    public static SqlGrainStorage? SqlStorageOf(IServiceProvider services) =>
        (services.GetKeyedService<IGrainStorage>(GrainStorageNames.Default) as ChaosFilteredGrainStorage)?.Inner as SqlGrainStorage;

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        faults.StorageDown ? Task.FromException(new InjectedStorageOutageException()) : inner.ReadStateAsync(stateName, grainId, grainState);

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        faults.StorageDown ? Task.FromException(new InjectedStorageOutageException()) : inner.WriteStateAsync(stateName, grainId, grainState);

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        faults.StorageDown ? Task.FromException(new InjectedStorageOutageException()) : inner.ClearStateAsync(stateName, grainId, grainState);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        switch (inner)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}

/// <summary>Puts every storage provider of the silo behind <see cref="ChaosFilteredGrainStorage"/>.</summary>
public sealed class StorageChaosFilter(FaultSwitchboard faults) : IGrainStorageDecorator
{
    /// <inheritdoc />
    public IGrainStorage Decorate(IGrainStorage inner) => new ChaosFilteredGrainStorage(inner, faults);
}
