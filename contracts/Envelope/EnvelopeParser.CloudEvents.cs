using System.Text.Json;

namespace ApexOrleans.Contracts.Envelope;

/// <summary>The CloudEvents side of the parser: what the SDK read (<see cref="MeshCloudEvents"/>), as an envelope.</summary>
public static partial class EnvelopeParser
{
    /// <summary>
    /// Reads a binary-mode CloudEvent (its attributes in <c>ce-*</c> <paramref name="headers"/>, its data the body) through the
    /// SDK, then checks it as any envelope.
    /// </summary>
    public static EventEnvelope ParseBinary(IEnumerable<KeyValuePair<string, string>> headers, string? contentType, ReadOnlyMemory<byte> body) =>
        FromCloudEvent(MeshCloudEvents.DecodeBinary(headers, contentType, body), targets: null, meshKeys: false);

    /// <summary>A CloudEvent the SDK read, as an envelope: the mesh's checks on its attributes, each refusal naming the attribute.</summary>
    private static EventEnvelope FromCloudEvent(CloudNative.CloudEvents.CloudEvent cloudEvent, List<string>? targets, bool meshKeys)
    {
        var eventType = cloudEvent.Type!;
        var sourceApp = SourceFromUri(cloudEvent.Source!.OriginalString);
        JsonElement? data = cloudEvent.Data switch
        {
            JsonElement element => element,
            null => null,
            _ => throw Reject("invalid_payload", "data", $"must be a JSON object (datacontenttype application/json), not {cloudEvent.DataContentType}"),
        };
        targets ??= MeshCloudEvents.Text(cloudEvent, MeshCloudEvents.Targets) is { } list
            ? [.. list.Split(',')]
            : throw Reject("missing_field", "targets", "is required: the app or apps the event goes to (comma-separated)");
        return Checked(new RawEnvelope(
            eventType, sourceApp, "source", data, "data", targets, "targets",
            MeshCloudEvents.Text(cloudEvent, MeshCloudEvents.IdempotencyKey) ?? throw Reject("missing_field", "idempotencykey", "is required"),
            cloudEvent.Id, MeshCloudEvents.Text(cloudEvent, MeshCloudEvents.CorrelationId), MeshCloudEvents.Text(cloudEvent, MeshCloudEvents.CausationId),
            cloudEvent.Time, cloudEvent.Subject, MeshCloudEvents.Number(cloudEvent, MeshCloudEvents.Sequence) ?? 0,
            MeshCloudEvents.Text(cloudEvent, MeshCloudEvents.TraceParent), MeshCloudEvents.Text(cloudEvent, MeshCloudEvents.TraceState)), meshKeys);
    }

    /// <summary>The id a structured CloudEvent without one gets (from its source and key; a bad source is refused after).</summary>
    private static string? DerivedIdOf(JsonElement json) =>
        Property(json, "source") is { ValueKind: JsonValueKind.String } source && Property(json, "idempotencykey") is { ValueKind: JsonValueKind.String } key
        && key.GetString() is { Length: > 0 } text
            ? DerivedId(source.GetString()!.StartsWith("/apps/", StringComparison.Ordinal) ? source.GetString()!["/apps/".Length..] : source.GetString()!, text)
            : null;
}
