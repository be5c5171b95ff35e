using ApexOrleans.Client.Experiments;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests;

/// <summary>Scenario, experiment and catalog files are read strictly: what is not understood is refused, never dropped.</summary>
public sealed class StrictFileTests
{
    private static readonly AppCatalog Catalog = AppCatalog.Load(AppCatalog.DefaultPath);

    private const string Beat1 = """{ "beat": 1, "time": "2026-01-01T00:00:00Z", "event": { "eventType": "jubeelove:session.started", "target": "omnihub", "idempotencyKey": "a", "payload": { "sessionId": "1" } } }""";
    private const string Beat2 = """{ "beat": 2, "time": "2026-01-01T00:05:00Z", "event": { "eventType": "jubeelove:session.started", "target": "omnihub", "idempotencyKey": "b", "payload": { "sessionId": "2" } } }""";

    /// <summary>A two-beat day with CHAOS in its chaos object and EXTRA after its beats.</summary>
    private static string Day(string chaos, string extra = "") =>
        $$"""{ "name": "strict", "chaos": { {{chaos}} }, "beats": [ {{Beat1}}, {{Beat2}} ]{{extra}} }""";

    private static string RepositoryFile(params string[] parts)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "ApexOrleans.sln")))
        {
            folder = folder.Parent ?? throw new InvalidOperationException("the repository root was not found above the test binaries");
        }

        return Path.Combine([folder.FullName, .. parts]);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { Day("\"seed\": 1, \"outtage\": { \"app\": \"trutalk\", \"fromBeat\": 1, \"toBeat\": 2 }"), "chaos.outtage: unknown; did you mean outage?" },
        { Day("\"duplicateRte\": 0.2"), "chaos.duplicateRte: unknown; did you mean duplicateRate?" },
        { Day("").Replace("\"payload\": { \"sessionId\": \"2\" } } }", "\"payload\": { \"sessionId\": \"2\" } }, \"expext\": [] }"), "beats[1].expext: unknown; did you mean expect?" },
        { Day("\"outage\": [ { \"app\": \"trutalk\", \"fromBeat\": 1, \"toBeat\": 2 } ]"), "chaos.outage: must be an object, not an array" },
        { Day("\"outage\": { \"app\": \"trutalk\", \"fromBeat\": 1, \"toBeat\": 2 }, \"outage\": { \"app\": \"omnihub\", \"fromBeat\": 1, \"toBeat\": 2 }"), "chaos.outage: appears twice in one object" },
        { Day("\"outage\": { \"app\": \"trutalk\", \"fromBeat\": 1, \"toBeat\": 3 }"), "chaos.outage.toBeat: 3 is not a beat of this scenario (1 to 2)" },
        { Day("\"outage\": { \"app\": \"trutalk\", \"fromBeat\": 3, \"toBeat\": 3 }"), "chaos.outage.fromBeat: 3 is not a beat of this scenario (1 to 2)" },
        { Day("\"seed\": 9223372036854775808"), "chaos.seed: 9223372036854775808 must be a whole number from -9223372036854775808 to 9223372036854775807" },
        { Day("\"seed\": \"42\""), "chaos.seed: must be a whole number" },
        { Day("").Replace("\"chaos\": {  }", "\"chaos\": null"), "chaos: an object is required" },
        { Day("\"maxDelayMs\": 1e400"), "chaos.maxDelayMs: is too large a number" },
        { Day("", ", \"criteria\": { \"isolaton\": { \"expect\": \"not-exercised\" } }"), "criteria.isolaton: not a criterion; did you mean isolation?" },
        { Day("", ", \"criteria\": { \"recovery\": { \"expect\": \"passed\" } }"), "criteria.recovery.expect: 'passed' is not an expectation; the only one is \"not-exercised\"" },
        { Day("", ", \"criteria\": { \"recovery\": { \"expected\": \"not-exercised\" } }"), "criteria.recovery.expected: unknown; did you mean expect?" },
        { Day("").Replace("\"idempotencyKey\": \"b\"", "\"idempotencyKey\": \"b\", \"idempotencyKey\": \"c\""), "beats[1].event.idempotencyKey: appears twice in one object" },
        { Day("").Replace("\"idempotencyKey\": \"b\"", "\"idempotencyKy\": \"b\""), "beats[1].event.idempotencyKy: unknown; did you mean idempotencyKey?" },
        { Day("\"outage\": { \"app\": \"trutalk\", \"fromBeat\": 1, \"toBeat\": 2 }, \"outages\": []"), "chaos.outages: give one outage in \"outage\" or a list in \"outages\", not both" },
        { Day("\"outages\": [ { \"app\": \"trutalk\", \"fromBeat\": 1, \"toBeat\": 2 }, { \"app\": \"trutalk\", \"fromBeat\": 1, \"toBeat\": 2 } ]"),
            "chaos.outages[1].fromBeat: trutalk from beat 1 until beat 2 overlaps its window from beat 1 until beat 2" },
        { Day("\"outages\": [ { \"app\": \"omnihub\", \"fromBeat\": 1, \"toBeat\": 2 }, { \"app\": \"trutalk\", \"fromBeat\": 1, \"toBeat\": 3 } ]"),
            "chaos.outages[1].toBeat: 3 is not a beat of this scenario (1 to 2)" },
        { Day("\"outages\": [ { \"app\": \"trutalk\", \"fromBeat\": 1, \"toBat\": 2 } ]"), "chaos.outages[0].toBat: unknown; did you mean toBeat?" },
        { Day("\"replayWithChangedPayload\": { \"beat\": 1, \"data\": { \"sessionId\": \"1\" } }"),
            "chaos.replayWithChangedPayload.data: sets every field to the value it has: a replay with the same payload is a duplicate" },
        { Day("\"replayWithChangedPayload\": [ { \"beat\": 3, \"data\": { \"sessionId\": \"9\" } } ]"),
            "chaos.replayWithChangedPayload[0].beat: 3 is not a beat of this scenario (1 to 2)" },
        { Day("\"replayWithChangedPayload\": { \"beat\": 1 }"), "chaos.replayWithChangedPayload.data:" },
        { Day("\"replayWithChangedPayload\": { \"beat\": 1, \"data\": { \"sessionId\": \"9\" } }").Replace("\"payload\": { \"sessionId\": \"1\" } }", ChangedInBeat),
            "chaos.replayWithChangedPayload.beat: beat 1 already replays with a changed payload; a beat is replayed once" },
    };

    /// <summary>Beat 1's event closed, then its own chaos replaying it with a changed payload.</summary>
    private const string ChangedInBeat = "\"payload\": { \"sessionId\": \"1\" } }, \"chaos\": { \"replayWithChangedPayload\": { \"data\": { \"sessionId\": \"7\" } } }";

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task AMisspeltDuplicatedMistypedOrOutOfRangeEntryIsRefusedWithItsPathAndNothingIsRun(string json, string expected)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("strict.json"), json);
        var output = Path.Combine(folder.Path, "out");

        var (exitCode, text) = await Apex.RunAsync("run", "--scenario", folder.File("strict.json"), "--out", output, "--storage", "memory");

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, Apex.Flat(text));
        Assert.DoesNotContain("   at ", text);
        Assert.False(Directory.Exists(output), "a refused run made its output folder");
    }

    [Fact]
    public void EveryProblemOfAStrictFileIsListedAtOnce()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("s.json"), Day("\"outtage\": {}, \"duplicateRte\": 0.1, \"outage\": { \"app\": \"trutalk\", \"fromBeat\": 1, \"toBeat\": 9 }", ", \"criteria\": { \"nothing-lots\": { \"expect\": \"not-exercised\" } }"));

        var error = Assert.Throws<ConfigFileException>(() => ScenarioLoader.Load(folder.File("s.json"), Catalog));

        Assert.Contains(error.Problems, p => p.StartsWith("chaos.outtage: unknown", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("chaos.duplicateRte: unknown", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("chaos.outage.toBeat:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("criteria.nothing-lots: not a criterion; did you mean nothing-lost?", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnknownKeyFarFromEveryKnownOneIsRefusedWithTheKnownKeysInsteadOfAGuess()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("s.json"), Day("\"meteor\": true"));

        var error = Assert.Throws<ConfigFileException>(() => ScenarioLoader.Load(folder.File("s.json"), Catalog));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith("chaos.meteor: unknown; known here: seed, duplicateRate", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(1, 1)]
    public void AnOutageWindowWhoseEndsAreBeatsOfTheDayIsAcceptedAnEmptyOneIncluded(int from, int to)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("s.json"), Day($"\"outage\": {{ \"app\": \"trutalk\", \"fromBeat\": {from}, \"toBeat\": {to} }}"));

        var scenario = ScenarioLoader.Load(folder.File("s.json"), Catalog);

        Assert.Equal(new OutageWindow("trutalk", from, to), Assert.Single(scenario.Chaos.Outages));
    }

    [Fact]
    public void SeveralOutageWindowsAreReadInOrderAndTwoOfOneAppMayFollowEachOther()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("s.json"), Day("""
            "outages": [ { "app": "trutalk", "fromBeat": 1, "toBeat": 2 }, { "app": "omnihub", "fromBeat": 1, "toBeat": 2 }, { "app": "trutalk", "fromBeat": 2, "toBeat": 2 } ]
            """));

        var scenario = ScenarioLoader.Load(folder.File("s.json"), Catalog);

        Assert.Equal([new OutageWindow("trutalk", 1, 2), new OutageWindow("omnihub", 1, 2), new OutageWindow("trutalk", 2, 2)], scenario.Chaos.Outages);
        Assert.Equal(scenario.Chaos.Outages, scenario.ChaosOfRun(7).Outages);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AChangedPayloadReplayIsReadFromItsBeatOrFromTheScenarioAsTheBeatsEventWithTheFieldsSet(bool inTheBeat)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("s.json"), inTheBeat
            ? Day("").Replace("\"payload\": { \"sessionId\": \"1\" } }", ChangedInBeat)
            : Day("\"replayWithChangedPayload\": [ { \"beat\": 1, \"data\": { \"sessionId\": \"7\" } } ]"));

        var scenario = ScenarioLoader.Load(folder.File("s.json"), Catalog);

        var beat = scenario.Beats[0];
        var replay = Assert.IsType<ApexOrleans.Contracts.Envelope.EventEnvelope>(beat.ReplayWithChangedPayload);
        Assert.Equal((beat.Event.Id, beat.Event.IdempotencyKey, beat.Event.EventType), (replay.Id, replay.IdempotencyKey, replay.EventType));
        Assert.Equal("7", replay.Data.GetProperty("sessionId").GetString());
        Assert.Equal("1", beat.Event.Data.GetProperty("sessionId").GetString());
        Assert.Null(scenario.Beats[1].ReplayWithChangedPayload);
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("-9223372036854775808")]
    [InlineData("9007199254740993")]
    public void ASeedThatSeedAcceptsIsAcceptedInTheFileToo(string seed)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("s.json"), Day($"\"seed\": {seed}"));

        var scenario = ScenarioLoader.Load(folder.File("s.json"), Catalog);
        var parsed = Cli.ApexCommands.Build(Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings())).Parse(["run", "--seed", seed]);

        Assert.Equal(long.Parse(seed, System.Globalization.CultureInfo.InvariantCulture), scenario.Chaos.Seed);
        Assert.Empty(parsed.Errors);
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("1.5")]
    [InlineData("abc")]
    public async Task ASeedOutsideTheOneRuleIsRefusedOnTheCommandLineAsInTheFileWithAPlainMessage(string seed)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("s.json"), Day($"\"seed\": {seed}"));

        var (exitCode, text) = await Apex.RunAsync("run", "--seed", seed, "--out", folder.Path);
        var file = Assert.Throws<ConfigFileException>(() => ScenarioLoader.Load(folder.File("s.json"), Catalog));

        Assert.Equal(2, exitCode);
        Assert.Contains($"--seed '{seed}' must be a whole number from -9223372036854775808 to 9223372036854775807", Apex.Flat(text));
        Assert.DoesNotContain("System.", text);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path, "*.zip"));
        Assert.Contains(file.Problems, p => p.Contains("chaos.seed", StringComparison.Ordinal) && p.Contains("must be a whole number from -9223372036854775808 to 9223372036854775807", StringComparison.Ordinal)
            || p.StartsWith("not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void TheCriteriaAScenarioExpectsNotToBeExercisedAreRead()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("s.json"), Day("", ", \"criteria\": { \"circuit-breaker\": { \"expect\": \"not-exercised\" }, \"recovery\": { \"expect\": \"not-exercised\" } }"));

        var scenario = ScenarioLoader.Load(folder.File("s.json"), Catalog);

        Assert.Equal(["circuit-breaker", "recovery"], scenario.ExpectedNotExercised.Order());
    }

    [Fact]
    public async Task TheCriterionIdsAScenarioMayNameAreExactlyThoseTheScorecardProduces()
    {
        using var folder = new TempFolder();

        var outcome = await Apex.RunScenarioAsync(folder.Path);

        Assert.Equal(CriterionIds.All, outcome.Scorecard.Criteria.Select(c => c.Id));
    }

    [Fact]
    public void EveryShippedScenarioExperimentAndCatalogLoadsStrictly()
    {
        var catalog = AppCatalog.Load(RepositoryFile("config", "apps.json"));
        var scenarios = Directory.GetFiles(RepositoryFile("scenarios"), "*.json");
        var experiments = Directory.GetFiles(RepositoryFile("experiments"), "*.json", SearchOption.AllDirectories);

        Assert.All(scenarios, path => ScenarioLoader.Load(path, catalog));
        Assert.All(experiments, path => ExperimentLoader.Load(path));
        Assert.NotEmpty(scenarios);
        Assert.NotEmpty(experiments);
    }

    [Theory]
    [InlineData("\"hypothesys\": \"x\"", "hypothesys: unknown; did you mean hypothesis?")]
    [InlineData("\"rto\": \"30s\"", "rto: appears twice in one object")]
    [InlineData("\"method\": []", "method: must be an object, not an array")]
    public void AnExperimentFileIsReadAsStrictly(string extra, string expected)
    {
        using var folder = new TempFolder();
        var shipped = File.ReadAllText(RepositoryFile("experiments", "ex-01-app-outage-isolated.json"));
        var json = shipped.Replace("\"rto\": \"30s\"", $"\"rto\": \"30s\", {extra}", StringComparison.Ordinal)
            .Replace("../scenarios/sarahs-day.json", RepositoryFile("scenarios", "sarahs-day.json").Replace("\\", "/", StringComparison.Ordinal), StringComparison.Ordinal);
        if (extra.StartsWith("\"method\"", StringComparison.Ordinal))
        {
            json = json.Replace("\"method\": {", "\"method0\": {", StringComparison.Ordinal);
        }

        File.WriteAllText(folder.File("ex.json"), json);

        var error = Assert.Throws<ConfigFileException>(() => ExperimentLoader.Load(folder.File("ex.json")));

        Assert.Contains(error.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }
}
