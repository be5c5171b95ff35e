using Orleans.Storage;

namespace ApexOrleans.Storage.Tests.Hosting;

/// <summary>A decorator that notes each call it passes on, under its own name, in a shared log.</summary>
internal sealed class RecordingStorage(IGrainStorage inner, string name, List<string> log) : IGrainStorage
{
    public IGrainStorage Inner => inner;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Note($"{name} read {stateName}");
        return inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Note($"{name} write {stateName}");
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Note($"{name} clear {stateName}");
        return inner.ClearStateAsync(stateName, grainId, grainState);
    }

    private void Note(string entry)
    {
        lock (log)
        {
            log.Add(entry);
        }
    }
}

/// <summary>Registers <see cref="RecordingStorage"/> as a decorator.</summary>
internal sealed class RecordingDecorator(string name, List<string> log) : IGrainStorageDecorator
{
    public IGrainStorage Decorate(IGrainStorage inner) => new RecordingStorage(inner, name, log);
}
