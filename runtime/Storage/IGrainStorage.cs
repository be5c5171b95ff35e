namespace ApexOrleans.Runtime.Storage;

/// <summary>
/// A storage provider for grain state (Orleans' <c>IGrainStorage</c> shape). Writes and clears are
/// ETag-checked: a stale ETag throws <see cref="InconsistentStateException"/> and stores nothing.
/// </summary>
public interface IGrainStorage
{
    /// <summary>Loads the state, its ETag and whether a record exists into <paramref name="grainState"/>.</summary>
    Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) where T : new();

    /// <summary>Stores the state if the stored ETag equals <see cref="IGrainState{T}.ETag"/>, then updates the ETag.</summary>
    Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) where T : new();

    /// <summary>Removes the state if the stored ETag equals <see cref="IGrainState{T}.ETag"/>; resets the value.</summary>
    Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) where T : new();
}
