using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;

namespace ApexOrleans.Client.Tests;

/// <summary>How a data proof's key finds its record when records are keyed by their event's scoped key.</summary>
public sealed class ProofKeyTests
{
    // As final-state.json shows a record: its key, the idempotency key of its event, its data.
    private static FinalRow Row(string key, string idempotencyKey) => new(key, idempotencyKey, new JsonObject());

    [Fact]
    public void AProofFindsAFeedRowByItsScopedKeyOrByTheIdempotencyKeyAlone()
    {
        var row = Row("tradeline247/day/call-1", "day/call-1");

        Assert.Same(row, ProofKey.Find([row], "tradeline247/day/call-1"));
        Assert.Same(row, ProofKey.Find([row], "day/call-1"));
    }

    [Fact]
    public void AnIdempotencyKeyTwoAppsUsedFindsNothingUnlessTheProofNamesTheApp()
    {
        var call = Row("tradeline247/k", "k");
        var trust = Row("trutalk/k", "k");

        Assert.Null(ProofKey.Find([call, trust], "k"));
        Assert.Same(trust, ProofKey.Find([call, trust], "trutalk/k"));
    }

    [Fact]
    public void ARecordKeyedByAPayloadFieldIsFoundOnlyByThatField()
    {
        var invoice = Row("inv-1", "day/inv-1");

        Assert.Same(invoice, ProofKey.Find([invoice], "inv-1"));
        Assert.Null(ProofKey.Find([invoice], "day/inv-1"));
    }
}
