using System.Text.Json;

namespace ApexOrleans.Contracts.Configuration;

/// <summary>How the mesh's configuration files (scenarios, experiments, the app catalog) are parsed: JSON with comments and trailing commas.</summary>
public static class ConfigJson
{
    /// <summary>The parser options every configuration file is read with.</summary>
    public static JsonDocumentOptions Options { get; } = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>
    /// Reads and parses the configuration file at <paramref name="path"/>, with its bytes (to hash); a missing file or one
    /// that is not JSON throws <see cref="ConfigFileException"/> naming it.
    /// </summary>
    public static (JsonDocument Document, byte[] Bytes) ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigFileException(path, ["the file does not exist"]);
        }

        var bytes = File.ReadAllBytes(path);
        try
        {
            return (Parse(bytes), bytes);
        }
        catch (JsonException e)
        {
            throw new ConfigFileException(path, [$"not valid JSON: {e.Message}"]);
        }
    }

    /// <summary>Parses a file's bytes; throws <see cref="JsonException"/> when they are not JSON.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> bytes) => JsonDocument.Parse(bytes, Options);

    /// <summary>Parses JSON text; throws <see cref="JsonException"/> when it is not JSON.</summary>
    public static JsonDocument Parse(string json) => JsonDocument.Parse(json, Options);

    /// <summary>
    /// Refuses a key given twice in one object anywhere inside <paramref name="value"/> (a payload, settings: free-form
    /// data whose names are not checked, but of which the parser would silently keep one).
    /// </summary>
    public static void RefuseDuplicateKeys(JsonElement value, string path, List<string> problems)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in value.EnumerateObject())
            {
                var at = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                if (!seen.Add(property.Name))
                {
                    problems.Add($"{at}: appears twice in one object; give it once");
                }

                RefuseDuplicateKeys(property.Value, at, problems);
            }
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                RefuseDuplicateKeys(item, $"{path}[{index++}]", problems);
            }
        }
    }

    /// <summary>A value's kind in words, for problems: "an array", "a string".</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        _ => "null",
    };
}
