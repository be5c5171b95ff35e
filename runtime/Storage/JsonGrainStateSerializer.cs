using System.Text.Json;

namespace ApexOrleans.Runtime.Storage;

/// <summary>The default serializer: System.Text.Json, so stored state is readable (and queryable in PostgreSQL's jsonb).</summary>
public sealed class JsonGrainStateSerializer(JsonSerializerOptions? options = null) : IGrainStateSerializer
{
    private readonly JsonSerializerOptions _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public string Serialize<T>(T state) => JsonSerializer.Serialize(state, _options);

    /// <inheritdoc />
    public T Deserialize<T>(string payload) where T : new() => JsonSerializer.Deserialize<T>(payload, _options) ?? new T();
}
