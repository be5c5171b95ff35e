using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Configuration;

namespace ApexOrleans.Client.Experiments;

/// <summary>Checks an experiment against the app catalog it will run with: every app it names must be one the mesh has.</summary>
internal static class ExperimentCatalogCheck
{
    /// <summary>Throws <see cref="ConfigFileException"/> listing every fault and probe that names an app outside <paramref name="catalog"/>.</summary>
    public static void Apps(ExperimentDefinition definition, AppCatalog catalog)
    {
        var problems = new List<string>();
        foreach (var (step, index) in definition.Method.Faults.Select((s, i) => (s, i)))
        {
            if (step.App is { } app && catalog.Find(app) is null)
            {
                problems.Add($"method.faults[{index}].app: '{app}' is not in the app catalog");
            }
        }

        foreach (var probe in definition.SteadyState.Probes.Concat(definition.Expected.Probes).Concat(definition.Safeguards))
        {
            problems.AddRange(probe.Apps.Concat(probe.Except).Where(a => catalog.Find(a) is null).Select(a => $"{probe.Label}: '{a}' is not in the app catalog"));
        }

        if (problems.Count > 0)
        {
            throw new ConfigFileException(definition.SourcePath, problems);
        }
    }
}
