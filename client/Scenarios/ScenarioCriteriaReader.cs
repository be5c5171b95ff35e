using ApexOrleans.Contracts.Configuration;

namespace ApexOrleans.Client.Scenarios;

/// <summary>
/// Reads a scenario's <c>criteria</c>: <c>{ "&lt;criterion id&gt;": { "expect": "not-exercised" } }</c>, the criteria the
/// scenario says will have nothing to observe. Ids are those of the scorecard (<see cref="CriterionIds"/>).
/// </summary>
internal static class ScenarioCriteriaReader
{
    /// <summary>The one expectation a scenario may state about a criterion.</summary>
    public const string NotExercised = "not-exercised";

    private static readonly string[] ExpectationKeys = ["expect"];

    /// <summary>The ids expected not to be exercised (empty when the scenario has no <c>criteria</c>).</summary>
    public static HashSet<string> Read(ConfigObject root)
    {
        var expected = new HashSet<string>(StringComparer.Ordinal);
        if (root.Map("criteria") is not { } criteria)
        {
            return expected;
        }

        foreach (var (id, _, _) in criteria.Entries())
        {
            if (!CriterionIds.All.Contains(id))
            {
                criteria.Problem(id, NearestName.Among(id, CriterionIds.All) is { } nearest
                    ? $"not a criterion; did you mean {nearest}?"
                    : $"not a criterion; the criteria are {string.Join(", ", CriterionIds.All)}");
            }

            if (criteria.Object(id, ExpectationKeys, required: true) is not { } expectation)
            {
                continue;
            }

            var expect = expectation.Text("expect", required: true);
            if (expect is not null && expect != NotExercised)
            {
                expectation.Problem("expect", $"'{expect}' is not an expectation; the only one is \"{NotExercised}\"");
            }
            else if (expect == NotExercised && CriterionIds.All.Contains(id))
            {
                expected.Add(id);
            }
        }

        return expected;
    }
}
