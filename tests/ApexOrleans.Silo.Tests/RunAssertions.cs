using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Verification;

namespace ApexOrleans.Silo.Tests;

/// <summary>What every run under faults must show: each must-pass criterion and each invariant of its bundle.</summary>
internal static class RunAssertions
{
    public static void Holds(RunOutcome outcome, string what)
    {
        var failed = outcome.Scorecard.Criteria.Where(c => c.Level == CriterionLevel.Must && !c.Passed).Select(c => $"{c.Id}: {c.Detail}").ToList();
        Assert.True(failed.Count == 0, $"{what}: {string.Join("; ", failed)}");
        Assert.All(BundleVerifier.Verify(outcome.BundlePath), check => Assert.True(check.Passed, $"{what}, {check.Name}: {check.Detail}"));
    }
}
