using System.Text.Json.Nodes;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Delivery;
using ApexOrleans.Grains.Envelope;

namespace ApexOrleans.Grains.Reactions;

/// <summary>
/// A business rule from the story: when <see cref="App"/> applies <see cref="EventType"/>, it publishes
/// events of its own. A reaction is a pure function of the event, the app's tables and its settings, so it
/// gives the same events in every run; the mesh gives them deterministic idempotency keys.
/// </summary>
public interface IEventReaction
{
    /// <summary>The app that reacts.</summary>
    string App { get; }

    /// <summary>The event it reacts to (<c>app:entity.action</c>).</summary>
    string EventType { get; }

    /// <summary>Whether it reacts to the event as its source or as a target.</summary>
    DeliveryRole Role { get; }

    /// <summary>The events to publish in reaction (none is fine).</summary>
    IEnumerable<ReactionEvent> React(EventEnvelope cause, AppTables tables, AppDefinition app);
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
