using System.Text.Json;
using ApexOrleans.Contracts.Configuration;

namespace ApexOrleans.Client.Experiments;

/// <summary>Reads an experiment's probe lists (steady state, expected, safeguards): each probe with its limits and scope.</summary>
internal static class ExperimentProbeReader
{
    private static readonly string[] ProbeKeys = ["probe", "max", "min", "apps", "except", "holds"];

    /// <summary>The probes listed under <paramref name="key"/>, which is required; <paramref name="only"/> limits them to live or end-of-run probes.</summary>
    public static List<ProbeTolerance> Read(ConfigObject owner, string key, List<string> problems, ProbeTiming? only)
    {
        var probes = new List<ProbeTolerance>();
        if (!owner.Has(key))
        {
            owner.Problem(key, "is required: a list of probes with limits");
            return probes;
        }

        foreach (var (element, here) in owner.Array(key, required: true) ?? [])
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{here}: must be an object such as {{ \"probe\": \"{ProbeCatalog.ErrorRate}\", \"max\": 0.1 }}");
                continue;
            }

            probes.Add(ProbeOf(ConfigObject.Read(element, here, problems, ProbeKeys)!, only));
        }

        return probes;
    }

    private static ProbeTolerance ProbeOf(ConfigObject item, ProbeTiming? only)
    {
        var holds = item.Has("holds") ? item.Text("holds") : "always";
        if (holds is not ("always" or "eventually"))
        {
            item.Problem("holds", "must be \"always\" (every sample while faults are on) or \"eventually\" (at least one)");
        }

        var probe = item.Text("probe", required: true) ?? "";
        if (probe.Length > 0 && !ProbeCatalog.All.ContainsKey(probe))
        {
            item.Problem("probe", $"'{probe}' is not a probe; " + (NearestName.Among(probe, ProbeCatalog.All.Keys) is { } nearest
                ? $"did you mean {nearest}?"
                : $"known: {string.Join(", ", ProbeCatalog.All.Keys)}"));
        }
        else if (probe.Length > 0 && only is { } timing && ProbeCatalog.All[probe].Timing != timing)
        {
            item.Problem("probe", $"'{probe}' is only known at the end of the experiment; here only live probes can be used");
        }

        var max = item.Number("max");
        var min = item.Number("min");
        if (max is null && min is null)
        {
            item.Problem("max", "give a limit: max, min or both");
        }

        return new ProbeTolerance(probe, max, min, Names(item, "apps"), Names(item, "except"), holds == "eventually");
    }

    private static List<string> Names(ConfigObject item, string key)
    {
        var list = item.Array(key);
        if (list is null)
        {
            return [];
        }

        if (list.Any(i => i.Item.ValueKind != JsonValueKind.String))
        {
            item.Problem(key, "must be a list of app ids");
            return [];
        }

        return list.Select(i => i.Item.GetString()!).ToList();
    }
}
