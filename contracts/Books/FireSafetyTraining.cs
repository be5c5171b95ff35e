using System.Text.Json;
using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Books;

/// <summary>KeepSafe schedules fire-safety training for a new employee whose modules include it.</summary>
public sealed class FireSafetyTraining() : EventReaction("keepsafe", "bright:enrollment.started", DeliveryRole.Target, "training.scheduled")
{
    /// <inheritdoc />
    public override IEnumerable<ReactionEvent> React(EventEnvelope cause, AppTables tables, AppDefinition app)
    {
        var needsFireSafety = cause.Data.TryGetProperty("trainingModules", out var modules) && modules.ValueKind == JsonValueKind.Array
            && modules.EnumerateArray().Any(m => m.ValueKind == JsonValueKind.String
                && string.Equals(m.GetString(), "Fire Safety", StringComparison.OrdinalIgnoreCase));
        if (cause.DataString("enrollmentId") is not { } enrollmentId || !needsFireSafety)
        {
            yield break;
        }

        yield return new ReactionEvent("fire-safety-training", "training.scheduled", new JsonObject
        {
            ["trainingId"] = $"fire-safety-{enrollmentId}",
            ["enrollmentId"] = enrollmentId,
            ["employeeName"] = cause.DataString("employeeName"),
            ["module"] = "Fire Safety",
            ["dueBy"] = cause.DataString("startDate"),
        }, $"fire-safety-{enrollmentId}");
    }
}
