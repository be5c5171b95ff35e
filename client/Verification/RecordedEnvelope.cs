using System.Text.Json;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Client.Verification;

/// <summary>
/// The envelope a line of events.jsonl carries, read back from its CloudEvent as the mesh had it. Not the publish
/// parser: a reaction's key is the mesh's own, which a publish may not use, and verify reads what was, not what may be sent.
/// </summary>
public static class RecordedEnvelope
{
    /// <summary>The envelope of <paramref name="line"/>.</summary>
    public static EventEnvelope Of(EventLine line)
    {
        var cloudEvent = line.CloudEvent;
        return new EventEnvelope
        {
            Id = line.EventId,
            EventType = line.EventType,
            SourceApp = line.Source,
            Targets = cloudEvent["targets"]?.AsArray().Select(t => t!.GetValue<string>()).ToList() ?? [],
            Time = cloudEvent["time"] is JsonValue time ? time.GetValue<DateTimeOffset>() : null,
            Subject = cloudEvent["subject"]?.GetValue<string>(),
            Data = JsonSerializer.SerializeToElement(cloudEvent["data"] ?? new JsonObject()),
            CorrelationId = line.CorrelationId,
            CausationId = line.CausationId,
            IdempotencyKey = line.IdempotencyKey,
            Sequence = line.Beat,
        };
    }
}
