namespace ApexOrleans.Contracts.Configuration;

/// <summary>A configuration file (a scenario, an experiment, the app catalog) is wrong; every problem found is listed with its path.</summary>
public sealed class ConfigFileException(string origin, IReadOnlyList<string> problems)
    : Exception($"{origin}: {problems.Count} problem(s):\n- {string.Join("\n- ", problems)}")
{
    /// <summary>Each problem, as <c>path: reason</c>.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
