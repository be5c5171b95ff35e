using System.Text.Json;

namespace ApexOrleans.Contracts.Envelope;

/// <summary>Writes an envelope as a structured-mode CloudEvent 1.0 with the mesh fields as extension attributes.</summary>
public static class CloudEventWriter
{
    /// <summary>Writes the envelope; <see cref="EnvelopeParser.Parse(JsonElement)"/> reads it back unchanged.</summary>
    public static void Write(Utf8JsonWriter writer, EventEnvelope envelope) => Write(writer, envelope, extensions: null);

    /// <summary>Writes the envelope, and then the attributes <paramref name="extensions"/> writes (CloudEvents extensions of the caller's).</summary>
    public static void Write(Utf8JsonWriter writer, EventEnvelope envelope, Action<Utf8JsonWriter>? extensions)
    {
        writer.WriteStartObject();
        writer.WriteString("specversion", "1.0");
        writer.WriteString("id", envelope.Id);
        writer.WriteString("source", envelope.CloudEventSource);
        writer.WriteString("type", envelope.EventType);
        if (envelope.Time is { } time)
        {
            writer.WriteString("time", time.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (envelope.Subject is not null)
        {
            writer.WriteString("subject", envelope.Subject);
        }

        writer.WriteString("datacontenttype", "application/json");
        writer.WritePropertyName("data");
        envelope.Data.WriteTo(writer);
        writer.WriteStartArray("targets");
        foreach (var target in envelope.Targets)
        {
            writer.WriteStringValue(target);
        }

        writer.WriteEndArray();
        writer.WriteString("correlationid", envelope.CorrelationId);
        if (envelope.CausationId is not null)
        {
            writer.WriteString("causationid", envelope.CausationId);
        }

        writer.WriteString("idempotencykey", envelope.IdempotencyKey);
        writer.WriteNumber("sequence", envelope.Sequence);
        if (envelope.TraceParent is not null)
        {
            writer.WriteString("traceparent", envelope.TraceParent); // the Distributed Tracing extension
        }

        if (envelope.TraceState is not null)
        {
            writer.WriteString("tracestate", envelope.TraceState);
        }

        extensions?.Invoke(writer);
        writer.WriteEndObject();
    }

    /// <summary>The envelope as CloudEvent JSON text.</summary>
    public static string ToJson(EventEnvelope envelope)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, envelope);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
