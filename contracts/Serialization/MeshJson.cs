using System.Text.Json;
using System.Text.Json.Serialization;

namespace ApexOrleans.Contracts.Serialization;

/// <summary>The JSON conventions of the mesh's wire format (HTTP API, remote runs): camelCase, enums as names.</summary>
public static class MeshJson
{
    /// <summary>The options; the silo and its clients both use them, so every type round-trips exactly.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the mesh's conventions to <paramref name="options"/> (for ASP.NET Core's own options).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}
