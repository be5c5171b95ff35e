using System.Text.Json;
using Orleans.Storage;

namespace ApexOrleans.Storage;

/// <summary>
/// The default state serializer: System.Text.Json with web defaults unless given other options, so stored state is
/// readable (and queryable with PostgreSQL's json operators). Not Orleans' own <c>SystemTextJsonGrainStorageSerializer</c>,
/// whose different defaults would change the stored text.
/// </summary>
public sealed class WebJsonGrainStorageSerializer(JsonSerializerOptions? options = null) : IGrainStorageSerializer
{
    private readonly JsonSerializerOptions _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    /// <remarks>The UTF-8 bytes are wrapped, not copied: the providers store that same array.</remarks>
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, _options));

    /// <inheritdoc />
    public T? Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span, _options);
}
