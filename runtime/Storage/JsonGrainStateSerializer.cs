using System.Text.Json;

namespace ApexOrleans.Runtime.Storage;

/// <summary>The default serializer: System.Text.Json, so stored state is readable (and queryable in PostgreSQL's json operators).</summary>
public sealed class JsonGrainStateSerializer(JsonSerializerOptions? options = null) : IGrainStateSerializer
{
    private readonly JsonSerializerOptions _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public byte[] Serialize<T>(T state) => JsonSerializer.SerializeToUtf8Bytes(state, _options);

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlySpan<byte> payload) where T : new() => JsonSerializer.Deserialize<T>(payload, _options) ?? new T();
}
