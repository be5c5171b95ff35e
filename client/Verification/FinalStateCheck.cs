using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Contracts.Catalog;

namespace ApexOrleans.Client.Verification;

/// <summary>
/// The final state rebuilt: every recorded effect applied again in order by the mesh's rules (<see cref="EffectReplay"/>)
/// must agree with its receipt, and the books it leads to must be the final state the bundle claims, row by row.
/// </summary>
public static class FinalStateCheck
{
    /// <summary>The name of the invariant in <c>apex verify</c>'s report.</summary>
    public const string Name = "the final state rebuilt from the recorded effects";

    /// <summary>Rebuilds the books from <paramref name="events"/> and <paramref name="receipts"/> and compares them with <paramref name="stateFile"/> (its text, <paramref name="stateText"/>).</summary>
    public static InvariantCheck Check(AppCatalog catalog, IReadOnlyList<EventLine> events, IReadOnlyList<ReceiptLine> receipts, string stateFile, string stateText,
        string receiptsFile = "receipts.jsonl")
    {
        var rebuilt = new EffectReplay(catalog).Rebuild(events, receipts, receiptsFile);
        var problems = rebuilt.Problems.Concat(JsonDifferences.OfFile(stateFile, stateText, JsonNode.Parse(rebuilt.FinalState)!)).ToList();
        var applies = receipts.Count(r => r.Kind == "apply");
        return new InvariantCheck(Name, problems.Count == 0, problems.Count == 0
            ? $"{applies} apply receipts applied again in order by the mesh's rules: each did what its receipt says, and they lead to {stateFile} exactly"
            : string.Join("; ", problems.Take(10)));
    }
}
