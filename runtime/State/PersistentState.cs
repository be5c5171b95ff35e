using ApexOrleans.Runtime.Storage;

namespace ApexOrleans.Runtime.State;

/// <summary>The runtime's <see cref="IPersistentState{TState}"/>: one named state of one grain, bound to a storage provider.</summary>
internal sealed class PersistentState<TState>(GrainId grainId, string stateName, IGrainStorage storage)
    : IPersistentState<TState>, IGrainState<TState>, IActivationStateLoader
    where TState : new()
{
    public TState State { get; set; } = new();

    public string? ETag { get; set; }

    public string? Etag => ETag;

    public bool RecordExists { get; set; }

    public Task ReadStateAsync() => storage.ReadStateAsync(stateName, grainId, this);

    public Task WriteStateAsync() => storage.WriteStateAsync(stateName, grainId, this);

    public Task ClearStateAsync() => storage.ClearStateAsync(stateName, grainId, this);

    Task IActivationStateLoader.LoadAsync() => ReadStateAsync();
}

/// <summary>A state the activation loads before <see cref="Grain.OnActivateAsync"/>.</summary>
internal interface IActivationStateLoader
{
    Task LoadAsync();
}
