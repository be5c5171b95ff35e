namespace ApexOrleans.Client.Scenarios;

/// <summary>The scenario file is wrong; every problem found is listed with its path.</summary>
public sealed class ScenarioException(string path, IReadOnlyList<string> problems)
    : Exception($"{path}: {problems.Count} problem(s):\n- {string.Join("\n- ", problems)}")
{
    /// <summary>Each problem, as <c>path: reason</c>.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
