using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Contracts.Apps;

namespace ApexOrleans.Client.Tests;

/// <summary>How a data proof's key finds its record when records are keyed by their event's scoped key.</summary>
public sealed class ProofKeyTests
{
    private static RecordView Row(string key, string eventType, string idempotencyKey) => new(key, "evt", eventType, idempotencyKey, new JsonObject());

    [Fact]
    public void AProofFindsAFeedRowByItsScopedKeyOrByTheIdempotencyKeyAlone()
    {
        var row = Row("tradeline247/day/call-1", "tradeline247:call.received", "day/call-1");

        Assert.Same(row, ProofKey.Find([row], r => r.Key, "tradeline247/day/call-1"));
        Assert.Same(row, ProofKey.Find([row], r => r.Key, "day/call-1"));
    }

    [Fact]
    public void AnIdempotencyKeyTwoAppsUsedFindsNothingUnlessTheProofNamesTheApp()
    {
        var call = Row("tradeline247/k", "tradeline247:call.received", "k");
        var trust = Row("trutalk/k", "trutalk:trust.verified", "k");

        Assert.Null(ProofKey.Find([call, trust], r => r.Key, "k"));
        Assert.Same(trust, ProofKey.Find([call, trust], r => r.Key, "trutalk/k"));
    }

    [Fact]
    public void ARecordKeyedByAPayloadFieldIsFoundOnlyByThatField()
    {
        var invoice = Row("inv-1", "flowbills:invoice.created", "day/inv-1");

        Assert.Same(invoice, ProofKey.Find([invoice], r => r.Key, "inv-1"));
        Assert.Null(ProofKey.Find([invoice], r => r.Key, "day/inv-1"));
    }
}
