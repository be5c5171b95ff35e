using System.Text.Json;

namespace ApexOrleans.Contracts.Configuration;

/// <summary>
/// One object of a configuration file, read strictly: every key must be one of the known keys (an unknown one is
/// refused with its path and the nearest known key), no key may appear twice, and every value read must have its
/// type. Problems are collected as <c>path: reason</c>, so a file's problems are all listed at once.
/// </summary>
public sealed class ConfigObject
{
    private readonly List<string> _problems;
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);

    private ConfigObject(JsonElement element, string path, List<string> problems, IReadOnlyCollection<string>? known)
    {
        Element = element;
        Path = path;
        _problems = problems;
        var shown = known?.Where(k => !k.StartsWith('$')).ToList() ?? [];
        foreach (var property in element.EnumerateObject())
        {
            if (!_values.TryAdd(property.Name, property.Value))
            {
                problems.Add($"{At(property.Name)}: appears twice in one object; give it once");
            }
            else if (known is not null && !known.Contains(property.Name))
            {
                problems.Add(NearestName.Among(property.Name, known) is { } nearest
                    ? $"{At(property.Name)}: unknown; did you mean {nearest}?"
                    : $"{At(property.Name)}: unknown; known here: {string.Join(", ", shown)}");
            }
        }
    }

    /// <summary>The object as parsed.</summary>
    public JsonElement Element { get; }

    /// <summary>Its path in the file ("" for the root, "chaos.outage", "beats[2]").</summary>
    public string Path { get; }

    /// <summary>
    /// Reads <paramref name="element"/> at <paramref name="path"/> as an object whose keys are among <paramref name="known"/>;
    /// null, with a problem, when it is not an object.
    /// </summary>
    public static ConfigObject? Read(JsonElement element, string path, List<string> problems, IReadOnlyCollection<string> known) =>
        ReadAny(element, path, problems, known);

    /// <summary>
    /// Reads an open map, whose names are data rather than schema (event types, payload fields): any name is
    /// allowed, once. Null, with a problem, when it is not an object.
    /// </summary>
    public static ConfigObject? ReadMap(JsonElement element, string path, List<string> problems) => ReadAny(element, path, problems, null);

    private static ConfigObject? ReadAny(JsonElement element, string path, List<string> problems, IReadOnlyCollection<string>? known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{(path.Length == 0 ? "the root" : path)}: must be an object, not {ConfigJson.Describe(element.ValueKind)}");
            return null;
        }

        return new ConfigObject(element, path, problems, known);
    }

    /// <summary>The path of one of its keys.</summary>
    public string At(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>Records a problem with one of its keys.</summary>
    public void Problem(string key, string reason) => _problems.Add($"{At(key)}: {reason}");

    /// <summary>Whether the key is given (null counts as given).</summary>
    public bool Has(string key) => _values.ContainsKey(key);

    /// <summary>The key's value, when given and not null.</summary>
    public JsonElement? Value(string key) =>
        _values.TryGetValue(key, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>A non-empty string, or null (with a problem when it has another type, is empty, or is required and missing).</summary>
    public string? Text(string key, bool required = false)
    {
        if (Value(key) is not { } value)
        {
            Missing(key, required);
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text || string.IsNullOrWhiteSpace(text))
        {
            Problem(key, value.ValueKind == JsonValueKind.String ? "must be a non-empty string" : $"must be a non-empty string, not {ConfigJson.Describe(value.ValueKind)}");
            return null;
        }

        return text;
    }

    /// <summary>A finite number, or null (with a problem when it has another type, or is required and missing).</summary>
    public double? Number(string key, bool required = false)
    {
        if (Value(key) is not { } value)
        {
            Missing(key, required);
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            Problem(key, value.ValueKind == JsonValueKind.Number ? "is too large a number" : $"must be a number, not {ConfigJson.Describe(value.ValueKind)}");
            return null;
        }

        return number;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>], or null with a problem.</summary>
    public int? WholeNumber(string key, int min = int.MinValue, int max = int.MaxValue, bool required = false)
    {
        if (Number(key, required) is not { } number)
        {
            return null;
        }

        if (number != Math.Floor(number) || number < min || number > max)
        {
            Problem(key, min == int.MinValue ? $"{number} must be a whole number" : $"{number} must be a whole number ≥ {min}");
            return null;
        }

        return (int)number;
    }

    /// <summary>A nested object read strictly with its own known keys, or null (with a problem when it is not an object, or is required and missing).</summary>
    public ConfigObject? Object(string key, IReadOnlyCollection<string> known, bool required = false)
    {
        if (Value(key) is not { } value)
        {
            Missing(key, required);
            return null;
        }

        return Read(value, At(key), _problems, known);
    }

    /// <summary>Reads an item of one of its arrays as an object with its own known keys; null, with a problem, when it is not an object.</summary>
    public ConfigObject? Item(JsonElement item, string path, IReadOnlyCollection<string> known) => Read(item, path, _problems, known);

    /// <summary>A nested open map (any name, once), or null (with a problem when it is not an object, or is required and missing).</summary>
    public ConfigObject? Map(string key, bool required = false)
    {
        if (Value(key) is not { } value)
        {
            Missing(key, required);
            return null;
        }

        return ReadMap(value, At(key), _problems);
    }

    /// <summary>The items of an array with their paths, or null (with a problem when it is not an array, or is required and missing).</summary>
    public IReadOnlyList<(JsonElement Item, string Path)>? Array(string key, bool required = false)
    {
        if (Value(key) is not { } value)
        {
            Missing(key, required);
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Problem(key, $"must be an array, not {ConfigJson.Describe(value.ValueKind)}");
            return null;
        }

        return value.EnumerateArray().Select((item, i) => (item, $"{At(key)}[{i}]")).ToList();
    }

    /// <summary>The properties of an open map (names are data, not schema: payloads, settings, field values), each with its path.</summary>
    public IReadOnlyList<(string Name, JsonElement Value, string Path)> Entries() =>
        Element.EnumerateObject().Select(p => (p.Name, p.Value, At(p.Name))).ToList();

    private void Missing(string key, bool required)
    {
        if (required)
        {
            Problem(key, "is required");
        }
    }
}
