using System.Text;
using System.Text.Json;
using ApexOrleans.Contracts.Envelope;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace ApexOrleans.Mesh.Tests;

/// <summary>
/// The envelope through the CNCF CloudEvents SDK: what the mesh writes the SDK reads as a valid CloudEvent, in structured and
/// binary mode, and back; what CloudEvents forbids is refused naming the attribute; the mesh's own checks still hold on top.
/// </summary>
public sealed class CloudEventsSdkTests
{
    private static readonly EventEnvelope Invoice = EnvelopeParser.Parse("""
        { "eventType": "flowbills:invoice.created", "app": "flowbills", "target": ["flowc", "omnihub"], "idempotencyKey": "k-1",
          "correlationId": "day", "sequence": 4, "time": "2026-01-03T09:00:00Z", "subject": "inv-001",
          "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "payload": { "invoiceId": "inv-001", "amount": 75.00 } }
        """);

    [Fact]
    public void AStructuredCloudEventTheMeshWritesIsOneTheSdkReadsAndTheMeshReadsBackUnchanged()
    {
        var body = MeshCloudEvents.Encode(Invoice);

        // Read by the SDK alone, with no knowledge of the mesh's attributes: a valid CloudEvent 1.0.
        var plain = new JsonEventFormatter().DecodeStructuredModeMessage(body, new System.Net.Mime.ContentType(MeshCloudEvents.StructuredMediaType), null);
        Assert.True(plain.IsValid);
        Assert.Equal(("flowbills:invoice.created", "/apps/flowbills", "flowc,omnihub"), (plain.Type, plain.Source!.OriginalString, (string?)plain["targets"]));
        Assert.Equal(Invoice.TraceParent, (string?)plain["traceparent"]);

        var back = EnvelopeParser.Parse(Encoding.UTF8.GetString(body));
        Assert.Equal(Invoice.Targets, back.Targets);
        Assert.Equal((Invoice.Id, Invoice.IdempotencyKey, Invoice.CorrelationId, Invoice.Sequence, Invoice.Time, Invoice.Subject, Invoice.TraceParent),
            (back.Id, back.IdempotencyKey, back.CorrelationId, back.Sequence, back.Time, back.Subject, back.TraceParent));
        Assert.Equal(JsonSerializer.Serialize(Invoice.Data), JsonSerializer.Serialize(back.Data));
    }

    [Fact]
    public void ABinaryModeCloudEventIsReadFromItsHeadersAndItsDataAlone()
    {
        var (body, headers) = MeshCloudEvents.EncodeBinary(Invoice);
        Assert.Contains(headers, h => h.Name == "ce-idempotencykey" && h.Value == "k-1");

        var back = EnvelopeParser.ParseBinary(headers.Select(h => KeyValuePair.Create(h.Name, h.Value)), "application/json", body);

        Assert.Equal((Invoice.Id, Invoice.EventType, Invoice.SourceApp, Invoice.Sequence, Invoice.TraceParent), (back.Id, back.EventType, back.SourceApp, back.Sequence, back.TraceParent));
        Assert.Equal(Invoice.Targets, back.Targets);
        Assert.Equal(JsonSerializer.Serialize(Invoice.Data), JsonSerializer.Serialize(back.Data));
    }

    [Fact]
    public void TheMeshsEarlierStructuredFormWithATargetsArrayAndNoIdIsStillRead()
    {
        var envelope = EnvelopeParser.Parse("""
            { "specversion": "1.0", "type": "flowbills:invoice.created", "source": "/apps/flowbills", "targets": ["flowc", "omnihub"],
              "idempotencykey": "k-1", "sequence": 4, "data": { "invoiceId": "inv-001" } }
            """);

        Assert.Equal(["flowc", "omnihub"], envelope.Targets);
        Assert.Equal(EnvelopeParser.DerivedId("flowbills", "k-1"), envelope.Id);
        Assert.Equal(CloudEventWriter.ToJson(envelope), CloudEventWriter.ToJson(EnvelopeParser.Parse(CloudEventWriter.ToJson(envelope))));
    }

    [Theory]
    [InlineData("""{ "specversion": "1.0", "id": "e", "type": "flowbills:invoice.created", "source": "/apps/flowbills", "targets": "flowc", "idempotencykey": "k", "time": "noon", "data": {} }""", "invalid_cloudevent", "time")]
    [InlineData("""{ "specversion": "1.0", "id": "e", "type": "flowbills:invoice.created", "source": "/apps/flowbills", "targets": "flowc", "idempotencykey": "k", "Extra": "x", "data": {} }""", "invalid_cloudevent", "Extra")]
    [InlineData("""{ "specversion": "1.0", "id": "e", "type": "flowbills:invoice.created", "source": "/apps/flowbills", "targets": "flowc", "idempotencykey": "k", "sequence": 99999999999, "data": {} }""", "invalid_cloudevent", "$")]
    [InlineData("""{ "specversion": "1.0", "id": "e", "type": "flowbills:invoice.created", "source": "/apps/flowbills", "targets": "flowc,flowc", "idempotencykey": "k", "data": {} }""", "invalid_target", "targets")]
    [InlineData("""{ "specversion": "1.0", "id": "e", "type": "flowbills:invoice.created", "source": "/apps/flowbills", "targets": "flowc", "idempotencykey": "k", "data": "text" }""", "invalid_payload", "data")]
    [InlineData("""{ "specversion": "1.0", "id": "e", "type": "flowbills:invoice.created", "source": "/apps/flowbills", "targets": "flowc", "idempotencykey": "k", "traceparent": "00-abc", "data": {} }""", "invalid_traceparent", "traceparent")]
    [InlineData("""{ "specversion": "1.0", "id": "e", "type": "flowbills:invoice.created", "source": "/apps/flowbills", "targets": "flowc", "data": {} }""", "missing_field", "idempotencykey")]
    public void WhatCloudEventsOrTheMeshRefusesNamesTheAttribute(string json, string code, string field)
    {
        var refused = Assert.Throws<PublishRejectedException>(() => EnvelopeParser.Parse(json));

        Assert.Equal((code, field), (refused.Rejection.Code, refused.Rejection.Field));
        Assert.False(string.IsNullOrWhiteSpace(refused.Rejection.Reason));
    }

    [Theory]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "target": "flowc", "idempotencyKey": "k", "subject": "inv\u0001", "payload": {} }""", "invalid_field", "subject")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "target": "flowc", "idempotencyKey": "k\uffff", "payload": {} }""", "invalid_id", "idempotencyKey")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "target": "flowc", "idempotencyKey": "k", "correlationId": "c\ufdd0", "payload": {} }""", "invalid_id", "correlationId")]
    [InlineData("""{ "specversion": "1.0", "type": "flowbills:invoice.created", "source": "/apps/flowbills", "targets": ["flowc"], "idempotencykey": "k", "idempotencykey": "j", "data": {} }""", "invalid_cloudevent", "$")]
    public void WhatAWebhookCouldNotCarryIsRefusedAtThePublish(string json, string code, string field)
    {
        // Every string the mesh takes must be one a CloudEvent may carry, or its deliveries to a remote app could never be written.
        var refused = Assert.Throws<PublishRejectedException>(() => EnvelopeParser.Parse(json));

        Assert.Equal((code, field), (refused.Rejection.Code, refused.Rejection.Field));
    }

    [Fact]
    public void BinaryModeDataNestedPastTheMeshsDepthIsRefused()
    {
        var (_, headers) = MeshCloudEvents.EncodeBinary(Invoice);
        var deep = "{\"a\":" + string.Concat(Enumerable.Repeat("[", 40)) + string.Concat(Enumerable.Repeat("]", 40)) + "}";

        var refused = Assert.Throws<PublishRejectedException>(() =>
            EnvelopeParser.ParseBinary(headers.Select(h => KeyValuePair.Create(h.Name, h.Value)), "application/json", Encoding.UTF8.GetBytes(deep)));

        Assert.Equal("invalid_cloudevent", refused.Rejection.Code);
    }

    [Fact]
    public void ABinaryHeaderHoldingAControlCharacterIsRefused()
    {
        var (body, headers) = MeshCloudEvents.EncodeBinary(Invoice);
        var hostile = headers.Select(h => KeyValuePair.Create(h.Name, h.Name == "ce-subject" ? "inv%00001" : h.Value));

        var refused = Assert.Throws<PublishRejectedException>(() => EnvelopeParser.ParseBinary(hostile, "application/json", body));

        Assert.Equal("ce-subject", refused.Rejection.Field);
    }
}
