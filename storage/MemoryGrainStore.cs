
namespace ApexOrleans.Storage;

/// <summary>
/// The rows behind <see cref="MemoryGrainStorage"/>. Kept apart from the provider so that a test cluster
/// can stop and start a silo over the same in-memory store.
/// </summary>
public sealed class MemoryGrainStore
{
    private readonly Dictionary<(string Type, string Key, string State), StoredState> _rows = [];
    private readonly Lock _gate = new();

    /// <summary>How many state records (including cleared ones) the store holds.</summary>
    public int Count
    {
        get { lock (_gate) return _rows.Count; }
    }

    internal StoredState? Read(GrainId grainId, string stateName)
    {
        var key = RowKey(grainId, stateName);
        lock (_gate)
        {
            return _rows.TryGetValue(key, out var row) ? row : null;
        }
    }

    /// <summary>Replaces the row if its version equals <paramref name="expectedVersion"/> (null: no row may exist).</summary>
    internal bool TryReplace(GrainId grainId, string stateName, long? expectedVersion, byte[]? payload, out StoredState? current)
    {
        var key = RowKey(grainId, stateName);
        lock (_gate)
        {
            var exists = _rows.TryGetValue(key, out var row);
            if (exists ? row.Version != expectedVersion : expectedVersion is not null)
            {
                current = exists ? row : null;
                return false;
            }

            current = _rows[key] = new StoredState((exists ? row.Version : 0) + 1, payload);
            return true;
        }
    }

    /// <summary>The same key the SQL providers' rows have: grain type, grain key and state name as text.</summary>
    private static (string Type, string Key, string State) RowKey(GrainId grainId, string stateName) =>
        (grainId.Type.ToString()!, grainId.Key.ToString()!, stateName);
}
