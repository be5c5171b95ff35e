namespace ApexOrleans.Runtime.Storage;

/// <summary>Turns grain state into the text a storage provider keeps, and back.</summary>
public interface IGrainStateSerializer
{
    /// <summary>Serializes a state value.</summary>
    string Serialize<T>(T state);

    /// <summary>Deserializes a state value stored by <see cref="Serialize{T}"/>.</summary>
    T Deserialize<T>(string payload) where T : new();
}
