using System.Text.Json;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Verification;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests;

/// <summary>
/// A beat's event that never reached its source app is lost, whatever its publish was answered ("in progress" proves
/// nothing): the evidence the nothing-lost criterion reads and <c>apex verify</c> both name it.
/// </summary>
public sealed class LostEventEvidenceTests
{
    [Fact]
    public async Task ABeatAnsweredInProgressWhoseEventNeverReachedItsSourceIsNamedLost()
    {
        using var folder = new TempFolder();
        var outcome = await Apex.RunScenarioAsync(folder.Path);
        var files = EvidenceBundle.Read(outcome.BundlePath).ToDictionary(f => f.Key, f => f.Value);
        var lines = files["events.jsonl"].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var publish = lines.First(l => l["kind"]!.GetValue<string>() == "publish" && l["beat"]!.GetValue<int>() == 7);
        var lost = publish["eventId"]!.GetValue<string>();
        publish["status"] = "inprogress";
        lines.RemoveAll(l => l["kind"]!.GetValue<string>() == "delivery" && l["eventId"]!.GetValue<string>() == lost);
        files["events.jsonl"] = string.Concat(lines.Select(l => l.ToJsonString() + "\n"));
        var events = lines.Select(l => l.Deserialize<EventLine>(BundleJson.Options)!).ToList();

        var check = BundleVerifier.Verify(files).Single(c => c.Name == "every accepted event reached every target");
        var neverAtSource = new CriterionEvidence(events, [], new CircuitsFile(new Dictionary<string, CircuitLine>(), []), outages: []).PublishesNeverAtSource;

        Assert.True(BundleVerifier.Verify(outcome.BundlePath).Single(c => c.Name == check.Name).Passed);
        Assert.False(check.Passed);
        Assert.Contains($"{publish["idempotencyKey"]!.GetValue<string>()} (answered inprogress) never reached its source {publish["source"]!.GetValue<string>()}", check.Detail);
        Assert.Equal(lost, Assert.Single(neverAtSource).EventId);
    }
}
