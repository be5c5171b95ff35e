using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Books;

/// <summary>aSpiral creates a preparation task for every scheduled appointment.</summary>
public sealed class AppointmentPrepTask() : EventReaction("aspiral", "tradeline247:appointment.scheduled", DeliveryRole.Target, "task.created")
{
    /// <inheritdoc />
    public override IEnumerable<ReactionEvent> React(EventEnvelope cause, AppTables tables, AppDefinition app)
    {
        if (cause.DataString("appointmentId") is not { } appointmentId)
        {
            yield break;
        }

        yield return new ReactionEvent("prep-task", "task.created", new JsonObject
        {
            ["taskId"] = $"prep-{appointmentId}",
            ["title"] = $"Prepare: {cause.DataString("serviceType") ?? appointmentId}",
            ["status"] = "pending",
            ["metadata"] = new JsonObject { ["appointmentId"] = appointmentId, ["dueDate"] = cause.DataString("scheduledFor") },
        }, $"prep-{appointmentId}");
    }
}
