using System.Security.Cryptography;
using System.Text.Json;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.Idempotency;

/// <summary>
/// A hash of what a publish asks for (type, source, targets, subject, time, payload), with the payload in
/// canonical form (keys sorted, no whitespace), so a retry with the same content matches and any change
/// of content under the same key is a conflict.
/// </summary>
public static class PayloadFingerprint
{
    /// <summary>The fingerprint of an envelope, as lower-case hex.</summary>
    public static string Of(EventEnvelope envelope)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", envelope.EventType);
            writer.WriteString("source", envelope.SourceApp);
            writer.WriteStartArray("targets");
            foreach (var target in envelope.Targets.Order(StringComparer.Ordinal))
            {
                writer.WriteStringValue(target);
            }

            writer.WriteEndArray();
            writer.WriteString("subject", envelope.Subject);
            writer.WriteString("time", envelope.Time?.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            writer.WritePropertyName("data");
            WriteCanonical(writer, envelope.Data);
            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                // 81, 81.0 and 81.00 are the same amount.
                writer.WriteRawValue(element.TryGetDecimal(out var number)
                    ? number.ToString("G29", System.Globalization.CultureInfo.InvariantCulture)
                    : element.GetRawText());
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
