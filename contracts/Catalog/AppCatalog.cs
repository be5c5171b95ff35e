using System.Text.Json;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Catalog;

/// <summary>
/// The apps of the mesh, loaded from a configuration file (<c>config/apps.json</c>): adding an app is a
/// change to that file, not to code. Loading checks the whole file and reports every problem at once.
/// </summary>
public sealed class AppCatalog
{
    private readonly Dictionary<string, AppDefinition> _apps;

    private AppCatalog(Dictionary<string, AppDefinition> apps, string sourceText)
    {
        _apps = apps;
        SourceText = sourceText;
    }

    /// <summary>The JSON the catalog was read from, as it was given (a bundle keeps it as the catalog in force).</summary>
    public string SourceText { get; }

    /// <summary>The apps by id.</summary>
    public IReadOnlyDictionary<string, AppDefinition> Apps => _apps;

    /// <summary>The file shipped beside the binaries.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "config", "apps.json");

    /// <summary>Loads and checks a catalog file.</summary>
    public static AppCatalog Load(string path)
    {
        var (document, bytes) = ConfigJson.ReadFile(path);
        using (document)
        {
            return Read(document, path, System.Text.Encoding.UTF8.GetString(bytes));
        }
    }

    /// <summary>Parses and checks catalog JSON strictly (see <see cref="ConfigObject"/>); <paramref name="origin"/> names it in errors.</summary>
    public static AppCatalog Parse(string json, string origin = "apps.json")
    {
        using var document = ConfigJson.Parse(json);
        return Read(document, origin, json);
    }

    private static AppCatalog Read(JsonDocument document, string origin, string sourceText)
    {
        var problems = new List<string>();
        var read = AppCatalogReader.Read(document.RootElement, problems)
            ?? throw new ConfigFileException(origin, ["the root must be an object with an \"apps\" array"]);
        var apps = new Dictionary<string, AppDefinition>();
        foreach (var app in read)
        {
            if (!apps.TryAdd(app.Id, app))
            {
                problems.Add($"app '{app.Id}': app id '{app.Id}' appears twice");
            }
        }

        CheckRoutes(apps, problems);
        return problems.Count == 0 ? new AppCatalog(apps, sourceText) : throw new ConfigFileException(origin, problems);
    }

    /// <summary>The app, or null.</summary>
    public AppDefinition? Find(string appId) => _apps.GetValueOrDefault(appId);

    /// <summary>Reads something of every app (a grain's state, say), keyed and ordered by app id.</summary>
    public async Task<IReadOnlyDictionary<string, T>> ReadEachAsync<T>(Func<string, Task<T>> read)
    {
        var result = new SortedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var app in _apps.Keys)
        {
            result[app] = await read(app).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Checks that an envelope can be routed: known source app that publishes this event, known targets that
    /// take it. Throws <see cref="PublishRejectedException"/> naming the problem.
    /// </summary>
    public PublishedEvent Route(EventEnvelope envelope)
    {
        var source = Find(envelope.SourceApp)
            ?? throw Reject("unknown_app", "app", $"no app '{envelope.SourceApp}' is registered (known: {string.Join(", ", _apps.Keys.Order())})");
        if (!source.Publishes.TryGetValue(envelope.Action, out var published))
        {
            throw Reject("unknown_event_type", "eventType",
                $"app '{source.Id}' does not publish '{envelope.Action}' (it publishes: {string.Join(", ", source.Publishes.Keys.Order())})");
        }

        RequireFields(envelope, published.Effect, source.Id);
        foreach (var target in envelope.Targets)
        {
            var app = Find(target) ?? throw Reject("unknown_app", "target", $"no app '{target}' is registered");
            var effect = app.ConsumerEffect(envelope.EventType)
                ?? throw Reject("unroutable_target", "target", $"app '{target}' does not take '{envelope.EventType}'");
            RequireFields(envelope, effect, target);
            if (app.Fallback is { } fallback)
            {
                // The fallback may have to record it in the target's place: it must be able to, and must not get it twice.
                if (envelope.Targets.Contains(fallback))
                {
                    throw Reject("unroutable_target", "target", $"'{fallback}' stands in for '{target}' when it is down, so it cannot be a target beside it");
                }

                RequireFields(envelope, Find(fallback)!.ConsumerEffect(envelope.EventType)!, fallback);
            }
        }

        return published;
    }

    /// <summary>Every payload field an app needs to record the event (its key, its prerequisites' keys) must be there.</summary>
    private static void RequireFields(EventEnvelope envelope, RecordEffect effect, string app)
    {
        var fields = effect.Requires.Select(r => r.KeyField).Prepend(effect.KeyField).Where(f => f != RecordEffect.IdempotencyKeyField);
        foreach (var field in fields)
        {
            if (envelope.DataString(field) is not { Length: > 0 })
            {
                throw Reject("missing_field", $"payload.{field}",
                    $"is required (a string or number): app '{app}' records '{envelope.EventType}' under it");
            }
        }
    }

    private static PublishRejectedException Reject(string code, string field, string reason) => new(new PublishRejection(code, field, reason));

    private static void CheckRoutes(Dictionary<string, AppDefinition> apps, List<string> problems)
    {
        foreach (var app in apps.Values)
        {
            foreach (var published in app.Publishes.Values)
            {
                var eventType = $"{app.Id}:{published.Action}";
                foreach (var target in published.Targets)
                {
                    if (!apps.TryGetValue(target, out var consumer))
                    {
                        problems.Add($"app '{app.Id}' sends '{published.Action}' to '{target}', which is not an app of the catalog");
                    }
                    else if (target == app.Id)
                    {
                        problems.Add($"app '{app.Id}' sends '{published.Action}' to itself");
                    }
                    else if (consumer.ConsumerEffect(eventType) is null)
                    {
                        problems.Add($"app '{app.Id}' sends '{published.Action}' to '{target}', which does not consume '{eventType}'");
                    }
                }
            }

            if (app.Fallback is { } fallbackId)
            {
                CheckFallback(apps, app, fallbackId, problems);
            }

            foreach (var eventType in app.Consumes.Keys.Where(k => k != AppDefinition.AnyEvent))
            {
                EnvelopeParser.TrySplitEventType(eventType, out var sourceId, out var action);
                if (!apps.TryGetValue(sourceId, out var source) || !source.Publishes.ContainsKey(action))
                {
                    problems.Add($"app '{app.Id}' consumes '{eventType}', which no app of the catalog publishes");
                }
            }
        }
    }

    /// <summary>
    /// A fallback is another app, one hop only (so failing over can never come back round), of this app alone, that
    /// records every event this app takes, at once: a plain insert with no prerequisite, since it never had the records
    /// holds wait for. The app itself must take each of them as a plain insert too: an event it would hold for a record
    /// of its own, or merge into one, could wait forever once that record went to the fallback.
    /// </summary>
    private static void CheckFallback(Dictionary<string, AppDefinition> apps, AppDefinition app, string fallbackId, List<string> problems)
    {
        if (!apps.TryGetValue(fallbackId, out var fallback))
        {
            problems.Add($"app '{app.Id}' falls back to '{fallbackId}', which is not an app of the catalog");
            return;
        }

        if (fallback.Id == app.Id || fallback.Fallback is not null)
        {
            problems.Add($"app '{app.Id}' falls back to '{fallbackId}', which {(fallback.Id == app.Id ? "is itself" : "has a fallback of its own (one hop only)")}");
            return;
        }

        if (apps.Values.FirstOrDefault(other => other.Id != app.Id && other.Fallback == fallbackId) is { } sharing)
        {
            problems.Add($"app '{app.Id}' falls back to '{fallbackId}', which is the fallback of '{sharing.Id}' too: one fallback stands in for one app");
        }

        var taken = (app.Consumes.ContainsKey(AppDefinition.AnyEvent)
            ? apps.Values.Where(source => source.Id != app.Id).SelectMany(source => source.Publishes.Keys.Select(action => $"{source.Id}:{action}"))
            : app.Consumes.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var (source, published) in apps.Values.SelectMany(s => s.Publishes.Values.Select(p => (s, p)))
                     .Where(x => x.p.Targets.Contains(app.Id) && x.p.Targets.Contains(fallbackId)))
        {
            problems.Add($"app '{source.Id}' sends '{published.Action}' to both '{app.Id}' and its fallback '{fallbackId}': a failover could not be told apart");
        }

        // Its own facts must not wait for records its consumed events write: those may have gone to the fallback.
        var filled = taken.Select(t => app.ConsumerEffect(t)?.Table).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var published in app.Publishes.Values)
        {
            foreach (var requirement in published.Effect.AllRequirements.Where(r => filled.Contains(r.Table)))
            {
                problems.Add($"app '{app.Id}' publishes '{published.Action}' only once '{requirement.Table}' holds its record, which a failover would have put at '{fallbackId}'");
            }
        }

        foreach (var eventType in taken)
        {
            if (fallback.ConsumerEffect(eventType) is not { Mode: EffectMode.Insert, Requires.Count: 0 })
            {
                problems.Add($"app '{app.Id}' falls back to '{fallbackId}', which must record '{eventType}' as a plain insert with no prerequisite");
            }

            if (app.ConsumerEffect(eventType) is { } own && (own.Mode != EffectMode.Insert || own.Requires.Count > 0))
            {
                problems.Add($"app '{app.Id}' {(own.Mode == EffectMode.Merge ? "merges" : "holds")} '{eventType}' for a record of its own, which a fallback cannot stand in for");
            }
        }
    }
}
