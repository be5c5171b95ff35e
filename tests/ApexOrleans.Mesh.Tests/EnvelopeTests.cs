using System.Text.Json;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Mesh.Tests;

public sealed class EnvelopeTests
{
    private const string StoryForm = """
        { "eventType": "flowbills:invoice.created", "app": "flowbills", "target": ["flowc", "omnihub"],
          "idempotencyKey": "k-1", "correlationId": "day", "sequence": 4, "time": "2026-01-03T09:00:00Z", "subject": "inv-001",
          "payload": { "invoiceId": "inv-001", "amount": 75.00 } }
        """;

    [Fact]
    public void TheStoryFormMapsOntoCloudEventsAndBack()
    {
        var envelope = EnvelopeParser.Parse(StoryForm);

        Assert.Equal("flowbills:invoice.created", envelope.EventType);
        Assert.Equal("/apps/flowbills", envelope.CloudEventSource);
        Assert.Equal(["flowc", "omnihub"], envelope.Targets);
        Assert.Equal("day", envelope.CorrelationId);
        Assert.Equal(4, envelope.Sequence);
        Assert.Equal(EnvelopeParser.DerivedId("flowbills", "k-1"), envelope.Id);

        var cloudEvent = CloudEventWriter.ToJson(envelope);
        using var json = JsonDocument.Parse(cloudEvent);
        Assert.Equal("1.0", json.RootElement.GetProperty("specversion").GetString());
        Assert.Equal("flowbills:invoice.created", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("k-1", json.RootElement.GetProperty("idempotencykey").GetString());
        var back = EnvelopeParser.Parse(cloudEvent);
        Assert.Equal(envelope.Id, back.Id);
        Assert.Equal(envelope.Targets, back.Targets);
        Assert.Equal(envelope.Time, back.Time);
        Assert.True(JsonElement.DeepEquals(envelope.Data, back.Data));
    }

    [Fact]
    public void ASingleTargetStringIsAccepted()
    {
        var envelope = EnvelopeParser.Parse("""{ "eventType": "autorepai:repair.estimated", "target": "flowbills", "idempotencyKey": "k", "payload": {} }""");

        Assert.Equal(["flowbills"], envelope.Targets);
        Assert.Equal("autorepai", envelope.SourceApp);
    }

    [Theory]
    [InlineData("{ not json", "malformed_json", "$")]
    [InlineData("[1, 2]", "malformed_envelope", "$")]
    [InlineData("""{ "app": "flowbills", "target": "flowc", "idempotencyKey": "k", "payload": {} }""", "missing_field", "eventType")]
    [InlineData("""{ "eventType": "Invoice Created", "target": "flowc", "idempotencyKey": "k", "payload": {} }""", "invalid_event_type", "eventType")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "app": "flowc", "target": "omnihub", "idempotencyKey": "k", "payload": {} }""", "source_mismatch", "app")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "target": "flowc", "idempotencyKey": "k", "payload": [1] }""", "invalid_payload", "payload")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "target": "flowc", "idempotencyKey": "k" }""", "invalid_payload", "payload")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "target": [], "idempotencyKey": "k", "payload": {} }""", "invalid_target", "target")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "target": ["flowbills"], "idempotencyKey": "k", "payload": {} }""", "invalid_target", "target")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "target": ["flowc", "flowc"], "idempotencyKey": "k", "payload": {} }""", "invalid_target", "target")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "target": [7], "idempotencyKey": "k", "payload": {} }""", "invalid_target", "target")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "payload": {}, "idempotencyKey": "k" }""", "missing_field", "target")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "target": "flowc", "payload": {} }""", "missing_field", "idempotencyKey")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "target": "flowc", "idempotencyKey": 12, "payload": {} }""", "invalid_field", "idempotencyKey")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "target": "flowc", "idempotencyKey": "k", "time": "yesterday", "payload": {} }""", "invalid_time", "time")]
    [InlineData("""{ "eventType": "flowbills:invoice.created", "target": "flowc", "idempotencyKey": "k", "sequence": -1, "payload": {} }""", "invalid_sequence", "sequence")]
    [InlineData("""{ "specversion": "0.3", "type": "flowbills:invoice.created", "source": "/apps/flowbills", "data": {} }""", "unsupported_specversion", "specversion")]
    [InlineData("""{ "specversion": "1.0", "type": "flowbills:invoice.created", "source": "flowbills", "targets": ["flowc"], "idempotencykey": "k", "data": {} }""", "invalid_source", "source")]
    public void AMalformedEnvelopeIsRefusedWithItsFieldAndReason(string json, string code, string field)
    {
        var error = Assert.Throws<PublishRejectedException>(() => EnvelopeParser.Parse(json));

        Assert.Equal(code, error.Rejection.Code);
        Assert.Equal(field, error.Rejection.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Rejection.Reason));
    }

    [Fact]
    public void AnOverlongIdempotencyKeyIsRefused()
    {
        var json = $$"""{ "eventType": "flowbills:invoice.created", "target": "flowc", "idempotencyKey": "{{new string('k', 201)}}", "payload": {} }""";

        Assert.Equal("idempotencyKey", Assert.Throws<PublishRejectedException>(() => EnvelopeParser.Parse(json)).Rejection.Field);
    }
}
