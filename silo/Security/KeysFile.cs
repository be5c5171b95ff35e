using System.Text.Json;

namespace ApexOrleans.Silo.Security;

/// <summary>Reads a keys file (<c>{ "admin": "…", "apps": { "flowbills": "…" } }</c>) into <c>Apex:Keys:*</c> settings.</summary>
public static class KeysFile
{
    /// <summary>The settings the file holds; throws naming the file when it is not of that shape.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Apex:KeysFile {path}: the file does not exist.");
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        if (!root.TryGetProperty("admin", out var admin) || admin.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("apps", out var apps) || apps.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException($"Apex:KeysFile {path}: expected {{ \"admin\": \"…\", \"apps\": {{ \"app\": \"key\" }} }}.");
        }

        var settings = new List<KeyValuePair<string, string?>> { new("Apex:Keys:Admin", admin.GetString()) };
        settings.AddRange(apps.EnumerateObject().Select(app => new KeyValuePair<string, string?>($"Apex:Keys:Apps:{app.Name}", app.Value.GetString())));
        return settings;
    }
}
