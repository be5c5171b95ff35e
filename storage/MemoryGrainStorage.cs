using Orleans.Storage;

namespace ApexOrleans.Storage;

/// <summary>
/// In-memory storage with the same ETag semantics as the SQL providers. State is serialized, so a grain
/// never shares object references with the store, exactly as with a database.
/// </summary>
public sealed class MemoryGrainStorage(MemoryGrainStore store, IGrainStorageSerializer serializer) : IGrainStorage
{
    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        StoredState.Load(store.Read(grainId, stateName), grainState, serializer);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = StoredState.Serialize(serializer, grainState.State);
        var written = Replace(stateName, grainId, grainState.ETag, payload);
        grainState.ETag = written.ETag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is null && store.Read(grainId, stateName) is null)
        {
            // Nothing stored and nothing expected: clearing is a no-op.
            StoredState.Load(null, grainState, serializer);
            return Task.CompletedTask;
        }

        var cleared = Replace(stateName, grainId, grainState.ETag, payload: null);
        StoredState.Load(cleared, grainState, serializer);
        return Task.CompletedTask;
    }

    private StoredState Replace(string stateName, GrainId grainId, string? etag, byte[]? payload)
    {
        long? expected = null;
        if (etag is not null)
        {
            if (!StoredState.TryParseETag(etag, out var version))
            {
                throw EtagConflict.Of(grainId, stateName, etag, store.Read(grainId, stateName)?.ETag);
            }

            expected = version;
        }

        if (!store.TryReplace(grainId, stateName, expected, payload, out var current))
        {
            throw EtagConflict.Of(grainId, stateName, etag, current?.ETag);
        }

        return current!.Value;
    }
}
