using System.Security.Cryptography;
using System.Text;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Configuration;

namespace ApexOrleans.Client.Verification;

/// <summary>
/// The scenario in the bundle is the one that was run: <c>scenario.json</c> hashes to the manifest's
/// <c>scenarioSha256</c>, it is valid against the bundle's <c>catalog.json</c>, and the manifest's scenario name,
/// outage and criteria expected not exercised are the ones it gives.
/// </summary>
public static class ScenarioCheck
{
    /// <summary>The name of the invariant in <c>apex verify</c>'s report.</summary>
    public const string Name = "the scenario in the bundle is the one the manifest names";

    /// <summary>Checks the bundle's scenario and catalog against its manifest; returns the scenario when it could be read.</summary>
    public static (InvariantCheck Check, Scenario? Scenario) Check(IReadOnlyDictionary<string, string> files, Manifest manifest)
    {
        var problems = new List<string>();
        var text = files[EvidenceBundle.ScenarioFile];
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        if (sha256 != manifest.ScenarioSha256)
        {
            problems.Add($"{EvidenceBundle.ScenarioFile} hashes to {sha256}, manifest.json scenarioSha256 says {manifest.ScenarioSha256}");
        }

        Scenario? scenario = null;
        try
        {
            scenario = ScenarioLoader.Parse(text, EvidenceBundle.ScenarioFile, AppCatalog.Parse(files[EvidenceBundle.CatalogFile], EvidenceBundle.CatalogFile));
        }
        catch (ConfigFileException e)
        {
            problems.Add($"{e.Message.Split(':')[0]}: {string.Join("; ", e.Problems)}");
        }
        catch (System.Text.Json.JsonException e)
        {
            problems.Add($"{EvidenceBundle.ScenarioFile} or {EvidenceBundle.CatalogFile} is not JSON: {e.Message}");
        }

        if (scenario is not null)
        {
            Compare(problems, "scenario", manifest.Scenario, scenario.Name);
            Compare(problems, "outages", string.Join(", ", manifest.Outages ?? []), string.Join(", ", ScenarioOutage.Of(scenario.Chaos.Outages)));
            Compare(problems, "expectedNotExercised", string.Join(", ", manifest.ExpectedNotExercised),
                string.Join(", ", scenario.ExpectedNotExercised.Order(StringComparer.Ordinal)));
        }

        return (new InvariantCheck(Name, problems.Count == 0,
            problems.Count == 0 ? $"{EvidenceBundle.ScenarioFile} ({scenario!.Beats.Count} beats) hashes to the manifest's {sha256[..12]}… and gives its name, outage and expectations"
                : string.Join("; ", problems)), scenario);
    }

    private static void Compare(List<string> problems, string field, string claimed, string derived)
    {
        if (claimed != derived)
        {
            problems.Add($"manifest.json {field}: the bundle says {(claimed.Length == 0 ? "nothing" : claimed)}, {EvidenceBundle.ScenarioFile} gives {(derived.Length == 0 ? "nothing" : derived)}");
        }
    }
}
