using System.Text.Json.Serialization;

namespace ApexOrleans.Client.Evidence;

/// <summary>Must-pass criteria decide the exit code; should-pass ones are the story's targets.</summary>
public enum CriterionLevel
{
    /// <summary>Required: the run fails without it.</summary>
    Must,

    /// <summary>A target: reported, does not fail the run.</summary>
    Should,
}

/// <summary>A criterion's verdict: it held, it did not, or the run gave it nothing to observe.</summary>
public enum CriterionStatus
{
    /// <summary>It had something to observe, and what it observed held.</summary>
    [JsonStringEnumMemberName("passed")]
    Passed,

    /// <summary>What it observed broke it.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>The run gave it nothing to observe (see <see cref="ExerciseRule"/>): not a pass.</summary>
    [JsonStringEnumMemberName("not-exercised")]
    NotExercised,
}

/// <summary>One criterion: its verdict and the figures behind it.</summary>
public sealed record Criterion(string Id, string Title, CriterionLevel Level, CriterionStatus Status, IReadOnlyDictionary<string, object?> Figures, string Detail)
{
    /// <summary>Whether it passed on its evidence (kept in scorecard.json beside <see cref="Status"/> for two-valued readers).</summary>
    public bool Passed => Status == CriterionStatus.Passed;

    /// <summary>Why the run gave it nothing to observe; null unless <see cref="CriterionStatus.NotExercised"/>.</summary>
    public string? NotExercisedBecause { get; init; }

    /// <summary>The scenario says it will have nothing to observe (<c>"expect": "not-exercised"</c>).</summary>
    public bool ExpectedNotExercised { get; init; }

    /// <summary>Whether it counts for the run: it passed, or it was not exercised and the scenario expected that.</summary>
    [JsonIgnore]
    public bool Holds => Verdict.Holds(Status, ExpectedNotExercised);
}

/// <summary>How a criterion's evidence becomes its status, and its status a run's verdict: one rule for the scorecard and <c>apex verify</c>.</summary>
public static class Verdict
{
    /// <summary>
    /// A broken check fails the criterion whatever else (the break is evidence); a check that held on nothing
    /// (<paramref name="nothingToObserve"/> given) is not exercised; otherwise it passed.
    /// </summary>
    public static CriterionStatus Of(bool held, string? nothingToObserve) =>
        !held ? CriterionStatus.Failed : nothingToObserve is null ? CriterionStatus.Passed : CriterionStatus.NotExercised;

    /// <summary>Judges criterion <paramref name="id"/>: its check (<paramref name="held"/>) and what the evidence gave it to observe.</summary>
    public static Criterion Judge(
        CriterionEvidence evidence, string id, string title, CriterionLevel level, bool held, IReadOnlyDictionary<string, object?> figures, string detail)
    {
        var why = ExerciseRule.NothingToObserve(id, evidence);
        var status = Of(held, why);
        return status == CriterionStatus.NotExercised
            ? new Criterion(id, title, level, status, figures, $"not exercised: {why}") { NotExercisedBecause = why }
            : new Criterion(id, title, level, status, figures, detail);
    }

    /// <summary>A criterion counts for the run when it passed, or was not exercised as the scenario expected.</summary>
    public static bool Holds(CriterionStatus status, bool expectedNotExercised) =>
        status == CriterionStatus.Passed || (status == CriterionStatus.NotExercised && expectedNotExercised);

    /// <summary>The status as scorecard.json spells it: passed, failed or not-exercised.</summary>
    public static string Text(CriterionStatus status) => status switch
    {
        CriterionStatus.Passed => "passed",
        CriterionStatus.Failed => "failed",
        _ => "not-exercised",
    };

    /// <summary>A run passes when every must-pass criterion holds.</summary>
    public static bool RunPassed(IEnumerable<(CriterionLevel Level, CriterionStatus Status, bool Expected)> criteria) =>
        criteria.Where(c => c.Level == CriterionLevel.Must).All(c => Holds(c.Status, c.Expected));
}
