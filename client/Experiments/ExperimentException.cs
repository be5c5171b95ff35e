namespace ApexOrleans.Client.Experiments;

/// <summary>An experiment file that cannot be run: every problem, each as <c>path: reason</c>.</summary>
public sealed class ExperimentException(string path, IReadOnlyList<string> problems)
    : Exception($"{path}: {problems.Count} problem(s):\n- {string.Join("\n- ", problems)}")
{
    /// <summary>Each problem.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
