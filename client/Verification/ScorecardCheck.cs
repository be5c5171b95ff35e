using ApexOrleans.Client.Evidence;

namespace ApexOrleans.Client.Verification;

/// <summary>
/// scorecard.json and the manifest's verdict are what the bundle's own files give: every criterion, its status, figures
/// and detail, and every beat's proofs, computed again with <see cref="Scorecard.Evaluate(DayEvidence, RunMetrics)"/>
/// from the scenario, the lines, and the final and control states in the bundle.
/// </summary>
public static class ScorecardCheck
{
    /// <summary>The name of the invariant in <c>apex verify</c>'s report.</summary>
    public const string Name = "scorecard.json and the verdict derived again from the bundle";

    /// <summary>Compares scorecard.json and the manifest's verdict with the scorecard of <paramref name="day"/> and its <paramref name="metrics"/>.</summary>
    public static InvariantCheck Check(string scorecardJson, Manifest manifest, DayEvidence day, RunMetrics metrics)
    {
        var derived = Scorecard.Evaluate(day, metrics);
        var differences = JsonDifferences.OfFile("scorecard.json", scorecardJson, derived).ToList();
        if (manifest.Passed != derived.Passed)
        {
            differences.Add($"manifest.json passed: the bundle says {Json(manifest.Passed)}, derived again {Json(derived.Passed)}");
        }

        return new InvariantCheck(Name, differences.Count == 0,
            differences.Count == 0
                ? $"{derived.Criteria.Count} criteria and {derived.Beats.Count} beats as the bundle's files give them; the run {(derived.Passed ? "passed" : "failed")}"
                : string.Join("; ", differences));
    }

    private static string Json(bool value) => value ? "true" : "false";
}
