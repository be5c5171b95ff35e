namespace ApexOrleans.Runtime.Storage;

/// <summary>
/// Turns grain state into the UTF-8 text a storage provider keeps, and back. Bytes, not strings: a state is
/// rewritten whole on every write, and a string would be transcoded twice (serializer to UTF-16, driver back to UTF-8).
/// </summary>
public interface IGrainStateSerializer
{
    /// <summary>Serializes a state value to UTF-8 text.</summary>
    byte[] Serialize<T>(T state);

    /// <summary>Deserializes a state value stored by <see cref="Serialize{T}"/>.</summary>
    T Deserialize<T>(ReadOnlySpan<byte> payload) where T : new();
}
