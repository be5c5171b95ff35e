using System.Text.Json;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;

namespace ApexOrleans.Client.Verification;

/// <summary>Where a file of the bundle differs from what verify derived again: each item named by its path, with both values.</summary>
public static class JsonDifferences
{
    /// <summary>
    /// The differences between the bundle's <paramref name="file"/> (its text, <paramref name="claimedText"/>) and
    /// <paramref name="derived"/> written as the bundle writes it; a file that is not JSON is one difference.
    /// </summary>
    public static IReadOnlyList<string> OfFile(string file, string claimedText, object derived)
    {
        JsonNode? claimed;
        try
        {
            claimed = JsonNode.Parse(claimedText);
        }
        catch (JsonException e)
        {
            return [$"{file} is not JSON: {e.Message}"];
        }

        return Between(file, claimed, JsonSerializer.SerializeToNode(derived, BundleJson.Indented));
    }

    /// <summary>
    /// The differences between <paramref name="claimed"/> (the bundle's <paramref name="file"/>) and <paramref name="derived"/>,
    /// at most <paramref name="limit"/>, as <c>file path: the bundle says X, derived again Y</c>.
    /// </summary>
    public static IReadOnlyList<string> Between(string file, JsonNode? claimed, JsonNode? derived, int limit = 10)
    {
        var found = new List<string>();
        Walk(file, "", claimed, derived, found, limit);
        return found;
    }

    private static void Walk(string file, string path, JsonNode? claimed, JsonNode? derived, List<string> found, int limit)
    {
        if (found.Count >= limit || JsonNode.DeepEquals(claimed, derived))
        {
            return;
        }

        if (claimed is JsonObject a && derived is JsonObject b)
        {
            foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
            {
                Walk(file, path.Length == 0 ? key : $"{path}.{key}", a[key], b[key], found, limit);
            }

            return;
        }

        if (claimed is JsonArray x && derived is JsonArray y)
        {
            for (var i = 0; i < Math.Max(x.Count, y.Count); i++)
            {
                Walk(file, $"{path}[{i}]", i < x.Count ? x[i] : null, i < y.Count ? y[i] : null, found, limit);
            }

            return;
        }

        found.Add($"{file} {(path.Length == 0 ? "(whole file)" : path)}: the bundle says {Text(claimed)}, derived again {Text(derived)}");
    }

    private static string Text(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "nothing";
        return text.Length > 120 ? text[..117] + "..." : text;
    }
}
