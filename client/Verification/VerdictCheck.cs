using System.Text.Json;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Scenarios;

namespace ApexOrleans.Client.Verification;

/// <summary>
/// The bundle's verdicts against its evidence: each criterion's status is what <see cref="ExerciseRule"/> finds
/// in the bundle's own lines (no pass for a criterion that had nothing to observe, no "not exercised" for one
/// that had), and the run passes only when every must-pass criterion passed or was not exercised as the
/// scenario (its manifest) expects.
/// </summary>
public static class VerdictCheck
{
    /// <summary>The name of the invariant in <c>apex verify</c>'s report.</summary>
    public const string Name = "every verdict backed by its evidence";

    /// <summary>Checks scorecard.json against the bundle's lines and its manifest.</summary>
    public static InvariantCheck Check(string scorecardJson, Manifest manifest, CriterionEvidence evidence)
    {
        var scorecard = JsonSerializer.Deserialize<ScorecardClaims>(scorecardJson, BundleJson.Options);
        if (scorecard?.Criteria is null)
        {
            return new InvariantCheck(Name, false, "scorecard.json lists no criteria");
        }

        var problems = new List<string>();
        var expected = (manifest.ExpectedNotExercised ?? []).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(UnnamedOutages(manifest, evidence));
        var claims = scorecard.Criteria.Where(c => Known(c, problems)).ToList();
        problems.AddRange(CriterionIds.All.Except(claims.Select(c => c.Id)).Select(id => $"the scorecard has no {id} criterion"));
        foreach (var claim in claims)
        {
            var status = StatusOf(claim);
            var why = ExerciseRule.NothingToObserve(claim.Id, evidence);
            if (claim.Passed != (status == CriterionStatus.Passed))
            {
                problems.Add($"{claim.Id} says passed={claim.Passed.ToString().ToLowerInvariant()} with status {Verdict.Text(status)}");
            }

            if (why is not null && status == CriterionStatus.Passed)
            {
                problems.Add($"{claim.Id} claims a pass, but {why}");
            }
            else if (why is null && status == CriterionStatus.NotExercised)
            {
                problems.Add($"{claim.Id} says it was not exercised, but the bundle shows what it had to observe");
            }
        }

        var holdsNot = claims.Where(c => c.Level == CriterionLevel.Must && !Verdict.Holds(StatusOf(c), expected.Contains(c.Id))).Select(c => c.Id).ToList();
        var runPassed = Verdict.RunPassed(claims.Select(c => (c.Level, StatusOf(c), expected.Contains(c.Id))));
        if (scorecard.Passed != runPassed)
        {
            problems.Add(scorecard.Passed
                ? $"the scorecard passes the run, but must-pass {string.Join(", ", holdsNot)} did not pass and the scenario does not expect it not exercised"
                : "the scorecard fails the run, but every must-pass criterion holds");
        }

        if (manifest.Passed != scorecard.Passed)
        {
            problems.Add($"the manifest says passed={manifest.Passed.ToString().ToLowerInvariant()}, the scorecard passed={scorecard.Passed.ToString().ToLowerInvariant()}");
        }

        var notExercised = claims.Where(c => c.Status == CriterionStatus.NotExercised).Select(c => expected.Contains(c.Id) ? $"{c.Id} (expected)" : c.Id).ToList();
        return new InvariantCheck(Name, problems.Count == 0, problems.Count > 0 ? string.Join("; ", problems)
            : $"{claims.Count} criteria, each as its evidence shows" + (notExercised.Count > 0 ? $"; not exercised: {string.Join(", ", notExercised)}" : ""));
    }

    /// <summary>
    /// The outage criteria judge the outage the manifest names: deliveries that met a scenario's outage of an app it does
    /// not name (an experiment's injected fault aside) mean the manifest was changed, and its verdicts cannot be trusted.
    /// </summary>
    private static IEnumerable<string> UnnamedOutages(Manifest manifest, CriterionEvidence evidence) =>
        evidence.Deliveries
            .Where(d => manifest.Outages?.Any(o => o.App == d.Target) != true
                        && d.Attempts.Any(a => a.Fault == "Outage" && a.Error?.StartsWith("Outage: injected fault", StringComparison.Ordinal) != true))
            .Select(d => d.Target).Distinct()
            .Select(app => $"deliveries met {app} down, an outage the manifest does not name ({(manifest.Outages is { Count: > 0 } named ? $"it names {string.Join(", ", named.Select(o => o.App).Distinct())}" : "it names none")})");

    private static bool Known(CriterionClaim claim, List<string> problems)
    {
        if (!CriterionIds.All.Contains(claim.Id))
        {
            problems.Add($"the scorecard has an unknown criterion {claim.Id}");
            return false;
        }

        var level = CriterionIds.MustPass.Contains(claim.Id) ? CriterionLevel.Must : CriterionLevel.Should;
        if (claim.Level != level)
        {
            problems.Add($"{claim.Id} is a {level.ToString().ToLowerInvariant()}-pass criterion, the scorecard says {claim.Level.ToString().ToLowerInvariant()}");
            return false;
        }

        return true;
    }

    /// <summary>The claimed status; for a bundle written before statuses existed, its two-valued verdict.</summary>
    private static CriterionStatus StatusOf(CriterionClaim claim) => claim.Status ?? (claim.Passed ? CriterionStatus.Passed : CriterionStatus.Failed);

    private sealed record ScorecardClaims(bool Passed, IReadOnlyList<CriterionClaim> Criteria);

    private sealed record CriterionClaim(string Id, CriterionLevel Level, CriterionStatus? Status, bool Passed);
}
