using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Books;

/// <summary>
/// A business rule from the story: when <see cref="App"/> applies <see cref="EventType"/> (as its source or as a
/// target), it publishes events of its own. A reaction is a pure function of the event, the app's tables and
/// its settings, so it gives the same events in every run; the mesh gives them deterministic idempotency keys.
/// </summary>
public abstract class EventReaction(string app, string eventType, DeliveryRole role, params string[] produces)
{
    /// <summary>The app that reacts.</summary>
    public string App { get; } = app;

    /// <summary>The event it reacts to (<c>app:entity.action</c>).</summary>
    public string EventType { get; } = eventType;

    /// <summary>Whether it reacts to the event as its source or as a target.</summary>
    public DeliveryRole Role { get; } = role;

    /// <summary>The actions (<c>entity.action</c> of <see cref="App"/>) it may publish; the catalog must list them.</summary>
    public IReadOnlyList<string> Produces { get; } = produces;

    /// <summary>The events to publish in reaction (none is fine).</summary>
    public abstract IEnumerable<ReactionEvent> React(EventEnvelope cause, AppTables tables, AppDefinition app);
}

/// <summary>An event a reaction publishes: a name unique within the reaction (part of its idempotency key), the action and payload.</summary>
public sealed record ReactionEvent(string Name, string Action, JsonObject Data, string? Subject = null);

/// <summary>Read access to an app's tables for reactions.</summary>
public sealed class AppTables(AppState state)
{
    /// <summary>The record, or null.</summary>
    public AppRecord? Find(string table, string key) =>
        state.Tables.TryGetValue(table, out var rows) && rows.TryGetValue(key, out var record) ? record : null;
}
