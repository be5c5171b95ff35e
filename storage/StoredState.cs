using System.Globalization;
using System.Runtime.InteropServices;
using Orleans.Storage;

namespace ApexOrleans.Storage;

/// <summary>
/// One stored row: a version counter and a payload. A cleared state keeps its row with a null payload
/// and a bumped version, so an ETag read before the clear can never match a later incarnation.
/// </summary>
internal readonly record struct StoredState(long Version, byte[]? Payload)
{
    public string ETag => Version.ToString(CultureInfo.InvariantCulture);

    public static bool TryParseETag(string? etag, out long version) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out version);

    /// <summary>Applies a read result to the caller's state object.</summary>
    public static void Load<T>(StoredState? stored, IGrainState<T> grainState, IGrainStorageSerializer serializer)
    {
        grainState.ETag = stored?.ETag;
        grainState.RecordExists = stored?.Payload is not null;
        grainState.State = stored?.Payload is { } payload
            ? serializer.Deserialize<T>(new BinaryData(payload)) ?? DefaultState<T>.Create()
            : DefaultState<T>.Create();
    }

    /// <summary>The state serialized as the bytes a row keeps: the serializer's own array when it wraps a whole one, else a copy.</summary>
    public static byte[] Serialize<T>(IGrainStorageSerializer serializer, T state)
    {
        var memory = serializer.Serialize(state).ToMemory();
        return MemoryMarshal.TryGetArray(memory, out var segment) && segment.Array is { } array && segment.Offset == 0 && segment.Count == array.Length
            ? array
            : memory.ToArray();
    }
}
