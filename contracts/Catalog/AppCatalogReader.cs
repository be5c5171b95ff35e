using System.Text.Json;
using System.Text.RegularExpressions;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Catalog;

/// <summary>Reads the apps of a catalog file strictly (known keys only, each once, each of its type); <see cref="AppCatalog"/> checks how they fit together.</summary>
internal static partial class AppCatalogReader
{
    private static readonly string[] RootKeys = ["apps", "$comment"];
    private static readonly string[] AppKeys = ["id", "name", "purpose", "publishes", "consumes", "settings", "fallback", "endpoint"];
    private static readonly string[] PublishedKeys = ["table", "key", "mode", "requires", "targets"];
    private static readonly string[] ConsumedKeys = ["table", "key", "mode", "requires"];
    private static readonly string[] PrerequisiteKeys = ["table", "key"];

    [GeneratedRegex("\\A[a-z][a-z0-9_]{0,62}\\z")]
    private static partial Regex TablePattern();

    [GeneratedRegex("\\A[a-zA-Z][a-zA-Z0-9_]{0,62}\\z")]
    private static partial Regex FieldPattern();

    // An app without settings has an empty object; parsed once, never disposed, as it lives as long as the catalogs.
    private static readonly JsonElement EmptySettings = JsonDocument.Parse("{}").RootElement;

    /// <summary>The apps of the file, by id, in file order; null when the root is not an object with an <c>apps</c> array.</summary>
    public static List<AppDefinition>? Read(JsonElement element, List<string> problems)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("apps", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var root = ConfigObject.Read(element, "", problems, RootKeys)!;
        var apps = new List<AppDefinition>();
        foreach (var (item, at) in root.Array("apps") ?? [])
        {
            if (ReadApp(item, at, problems) is { } app)
            {
                apps.Add(app);
            }
        }

        return apps;
    }

    private static AppDefinition? ReadApp(JsonElement element, string at, List<string> problems)
    {
        var id = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
        if (id is null || !EnvelopeParser.IsAppId(id))
        {
            problems.Add($"{at}.id: must be an app id (lower case letters and digits, 2 to 40, starting with a letter)");
            return null;
        }

        var app = ConfigObject.Read(element, $"app '{id}'", problems, AppKeys)!;
        var publishes = new Dictionary<string, PublishedEvent>();
        var publishMap = app.Map("publishes");
        foreach (var (action, _, _) in publishMap?.Entries() ?? [])
        {
            if (!EnvelopeParser.TrySplitEventType($"{id}:{action}", out _, out _))
            {
                app.Problem("publishes", $"'{action}' is not an entity.action name");
                continue;
            }

            if (publishMap!.Object(action, PublishedKeys) is not { } published)
            {
                continue;
            }

            var effect = ReadEffect(published);
            var targets = new List<string>();
            foreach (var (target, targetAt) in published.Array("targets") ?? [])
            {
                if (target.ValueKind == JsonValueKind.String)
                {
                    targets.Add(target.GetString()!);
                }
                else
                {
                    problems.Add($"{targetAt}: must be an app id, not {ConfigJson.Describe(target.ValueKind)}");
                }
            }

            if (effect is not null)
            {
                publishes[action] = new PublishedEvent(action, effect, targets);
            }
        }

        var consumes = new Dictionary<string, RecordEffect>();
        var consumeMap = app.Map("consumes");
        foreach (var (eventType, _, _) in consumeMap?.Entries() ?? [])
        {
            if (eventType != AppDefinition.AnyEvent && !EnvelopeParser.TrySplitEventType(eventType, out _, out _))
            {
                app.Problem("consumes", $"'{eventType}' is not an app:entity.action event type or \"*\"");
                continue;
            }

            if (consumeMap!.Object(eventType, ConsumedKeys) is { } consumed && ReadEffect(consumed) is { } effect)
            {
                consumes[eventType] = effect;
            }
        }

        var settings = app.Value("settings") ?? EmptySettings;
        ConfigJson.RefuseDuplicateKeys(settings, app.At("settings"), problems);
        string? fallback = null;
        if (app.Value("fallback") is { } f)
        {
            fallback = f.ValueKind == JsonValueKind.String && EnvelopeParser.IsAppId(f.GetString()!) ? f.GetString() : null;
            if (fallback is null)
            {
                app.Problem("fallback", $"must be the id of another app, not {f.GetRawText()}");
            }
        }

        Uri? endpoint = null;
        if (app.Value("endpoint") is { } e)
        {
            endpoint = e.ValueKind == JsonValueKind.String ? AppEndpoint.TryParse(e.GetString()!, out var why) : null;
            if (endpoint is null)
            {
                app.Problem("endpoint", e.ValueKind == JsonValueKind.String ? AppEndpoint.Problem(e.GetString()!)! : $"must be an http(s) URL, not {e.GetRawText()}");
            }
        }

        return new AppDefinition(id, app.Text("name") ?? id, app.Text("purpose") ?? "", publishes, consumes, settings.Clone(), fallback, endpoint);
    }

    private static RecordEffect? ReadEffect(ConfigObject effect)
    {
        var table = effect.Text("table");
        var key = effect.Text("key");
        var ok = true;
        if (table is null || !TablePattern().IsMatch(table))
        {
            effect.Problem("table", "must be a table name (lower case, digits, '_')");
            ok = false;
        }

        if (key is null || (key != RecordEffect.IdempotencyKeyField && !FieldPattern().IsMatch(key)))
        {
            effect.Problem("key", $"must name a payload field (or \"{RecordEffect.IdempotencyKeyField}\")");
            ok = false;
        }

        var mode = effect.Text("mode") ?? "insert";
        if (mode is not ("insert" or "merge"))
        {
            effect.Problem("mode", $"must be \"insert\" or \"merge\", not \"{mode}\"");
            ok = false;
        }

        var requires = new List<Prerequisite>();
        foreach (var (item, at) in effect.Array("requires") ?? [])
        {
            var requirement = effect.Item(item, at, PrerequisiteKeys);
            var rTable = requirement?.Text("table");
            var rKey = requirement?.Text("key");
            if (rTable is null || rKey is null || !TablePattern().IsMatch(rTable) || !FieldPattern().IsMatch(rKey))
            {
                effect.Problem("requires", "each entry needs a \"table\" and a payload \"key\" field");
                ok = false;
                continue;
            }

            requires.Add(new Prerequisite(rTable, rKey));
        }

        return ok ? new RecordEffect(table!, key!, mode == "merge" ? EffectMode.Merge : EffectMode.Insert, requires) : null;
    }
}
