using System.Text.Json;
using ApexOrleans.Client.Experiments;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests.Experiments;

/// <summary>An experiment is checked against the catalog and its scenario as it is loaded, before the runner starts a silo or writes a record.</summary>
public sealed class ExperimentLoaderTests
{
    [Fact]
    public void AnAppOutsideTheCatalogIsRefusedAtEveryPlaceItIsNamed()
    {
        using var folder = new TempFolder();
        var file = Write(folder,
            fault: """{ "kind": "delivery-delay", "app": "nope", "delayMs": 50, "at": "1s", "for": "1s" }""",
            expected: """[{ "probe": "error-rate", "except": ["trutalk", "gone"], "max": 0.05 }]""");

        var refused = Assert.Throws<ConfigFileException>(() => ExperimentLoader.Prepare(file, AppCatalog.DefaultPath));

        Assert.Equal(
            ["method.faults[0].app: 'nope' is not in the app catalog", "error-rate (except trutalk, gone): 'gone' is not in the app catalog"],
            refused.Problems);
        Assert.StartsWith($"{file}: 2 problem(s):", refused.Message);
    }

    [Fact]
    public void TheFilesOwnProblemsAreListedBeforeTheCatalogIsConsulted()
    {
        using var folder = new TempFolder();
        var file = Write(folder, fault: """{ "kind": "delivery-delay", "app": "nope", "delayMs": 0, "at": "1s", "for": "1s" }""");

        var refused = Assert.Throws<ConfigFileException>(() => ExperimentLoader.Prepare(file, AppCatalog.DefaultPath));

        Assert.Equal(["method.faults[0].delayMs: a delivery-delay needs a delay greater than 0"], refused.Problems);
    }

    [Fact]
    public void APreparedExperimentPlaysItsScenarioOnTheMethodsBeatWithNoFaultsOfItsOwn()
    {
        using var folder = new TempFolder();
        var file = Write(folder, fault: """{ "kind": "app-outage", "app": "trutalk", "at": "1s", "for": "1s" }""");

        var (definition, scenario) = ExperimentLoader.Prepare(file, AppCatalog.DefaultPath);

        var original = ScenarioLoader.Load(Apex.SarahsDay, AppCatalog.Load(AppCatalog.DefaultPath));
        Assert.Equal("EX-T", definition.Id);
        Assert.NotEmpty(original.Chaos.Outages); // Sarah's day scripts its own outage and faults: the experiment drops them
        Assert.Equal(original.Beats.Count, scenario.Beats.Count);
        Assert.Equal(original.Beats.Select((b, i) => original.Beats[0].Time + TimeSpan.FromMilliseconds(100 * i)), scenario.Beats.Select(b => b.Time));
        Assert.All(scenario.Beats, b => Assert.Equal(ScriptedFaults.None, b.Chaos));
        Assert.True(scenario.Chaos.InjectsNothing());
        Assert.Equal(original.Chaos.Seed, scenario.Chaos.Seed);
    }

    private static string Write(TempFolder folder, string fault, string? expected = null)
    {
        var path = folder.File("experiment.json");
        File.WriteAllText(path, $$"""
            {
              "id": "EX-T", "title": "test experiment", "owner": "tests", "hypothesis": "the mesh holds",
              "steadyState": { "window": "1s", "probes": [{ "probe": "error-rate", "max": 0.05 }] },
              "method": { "scenario": {{JsonSerializer.Serialize(Apex.SarahsDay)}}, "beatInterval": "100ms", "duration": "5s", "faults": [{{fault}}] },
              "expected": { "outcome": "isolated", "probes": {{expected ?? """[{ "probe": "error-rate", "max": 0.05 }]"""}} },
              "safeguards": [{ "probe": "client-error-rate", "max": 0.9 }],
              "rollback": "revert", "rto": "30s"
            }
            """);
        return path;
    }
}
