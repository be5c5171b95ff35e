using System.IO.Compression;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Client.Verification;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests;

/// <summary>No criterion passes without evidence: what had nothing to observe says so, fails the run unless expected, and verify re-checks it.</summary>
public sealed class VerdictTests
{
    [Fact]
    public async Task AnEmptyOutageWindowLeavesTheOutageCriteriaNotExercisedAndFailsTheRun()
    {
        using var folder = new TempFolder();
        var path = SarahsDayWithOutage(folder, "trutalk", fromBeat: 7, toBeat: 7);

        var (exitCode, output) = await Apex.RunAsync("run", "--scenario", path, "--storage", "memory", "--out", folder.Path);

        Assert.Equal(1, exitCode);
        var files = EvidenceBundle.Read(Assert.Single(Directory.GetFiles(folder.Path, "*.zip")));
        var scorecard = JsonNode.Parse(files["scorecard.json"])!;
        Assert.False(scorecard["passed"]!.GetValue<bool>());
        foreach (var id in new[] { "circuit-breaker", "recovery", "autonomous-recovery" })
        {
            var criterion = Criterion(scorecard, id);
            Assert.Equal(("not-exercised", false), (criterion["status"]!.GetValue<string>(), criterion["passed"]!.GetValue<bool>()));
            Assert.Contains("the outage window is empty", criterion["notExercisedBecause"]!.GetValue<string>());
            Assert.DoesNotContain("opened", criterion["detail"]!.GetValue<string>());
            Assert.DoesNotContain("fallback", criterion["detail"]!.GetValue<string>());
        }

        // Everything else was exercised by the day's chaos and held.
        Assert.All(scorecard["criteria"]!.AsArray().Where(c => c!["level"]!.GetValue<string>() == "Must" && c["id"]!.GetValue<string>() is not ("circuit-breaker" or "recovery")),
            c => Assert.Equal("passed", c!["status"]!.GetValue<string>()));
        Assert.Contains("had nothing to observe", output);
        // The bundle is honest about it, so it verifies.
        Assert.All(BundleVerifier.Verify(files), check => Assert.True(check.Passed, $"{check.Name}: {check.Detail}"));
    }

    [Fact]
    public async Task AnEmptyOutageWindowPassesWhenTheScenarioExpectsItsOutageCriteriaNotExercised()
    {
        using var folder = new TempFolder();
        var path = SarahsDayWithOutage(folder, "trutalk", fromBeat: 7, toBeat: 7, expectNotExercised: ["circuit-breaker", "recovery"]);
        var scenario = Load(path);

        var outcome = await RunAsync(folder, scenario);

        Assert.True(outcome.Scorecard.Passed);
        Assert.True(outcome.Manifest.Passed);
        Assert.Equal(["circuit-breaker", "recovery"], outcome.Manifest.ExpectedNotExercised);
        var breaker = outcome.Scorecard.Criteria.Single(c => c.Id == "circuit-breaker");
        Assert.Equal((CriterionStatus.NotExercised, true, true), (breaker.Status, breaker.ExpectedNotExercised, breaker.Holds));
        // An expectation does not excuse what was exercised: the rest is still judged on its evidence.
        Assert.All(outcome.Scorecard.Criteria.Where(c => c.Level == CriterionLevel.Must && !c.ExpectedNotExercised), c => Assert.Equal(CriterionStatus.Passed, c.Status));
        var scorecard = JsonNode.Parse(EvidenceBundle.Read(outcome.BundlePath)["scorecard.json"])!;
        Assert.True(Criterion(scorecard, "recovery")["expectedNotExercised"]!.GetValue<bool>());
        Assert.All(BundleVerifier.Verify(outcome.BundlePath), check => Assert.True(check.Passed, $"{check.Name}: {check.Detail}"));
    }

    [Fact]
    public async Task ACriterionExpectedNotExercisedThatWasExercisedIsJudgedOnItsEvidence()
    {
        using var folder = new TempFolder();
        var scenario = Load(SarahsDayExpecting(folder, "retries-expected", ["retries"]));

        var outcome = await RunAsync(folder, scenario);

        var retries = outcome.Scorecard.Criteria.Single(c => c.Id == "retries");
        Assert.Equal((CriterionStatus.Passed, true, null), (retries.Status, retries.ExpectedNotExercised, retries.NotExercisedBecause));
        Assert.True(outcome.Scorecard.Passed);
        Assert.All(BundleVerifier.Verify(outcome.BundlePath), check => Assert.True(check.Passed, $"{check.Name}: {check.Detail}"));
    }

    [Fact]
    public async Task AnOutageOfAnAppThatGetsNoTrafficInItsWindowIsNotExercised()
    {
        using var folder = new TempFolder();
        // TRU Talk only publishes, at beat 7: from beat 1 until beat 5 nothing is sent to it.
        var path = SarahsDayWithOutage(folder, "trutalk", fromBeat: 1, toBeat: 5);

        var outcome = await Apex.RunScenarioAsync(folder.Path, path);

        Assert.False(outcome.Scorecard.Passed);
        var files = EvidenceBundle.Read(outcome.BundlePath);
        Assert.DoesNotContain(files["injections.jsonl"].Split('\n'), l => l.Contains("\"fault\":\"Outage\""));
        var scorecard = JsonNode.Parse(files["scorecard.json"])!;
        foreach (var id in new[] { "circuit-breaker", "recovery" })
        {
            var criterion = Criterion(scorecard, id);
            Assert.Equal("not-exercised", criterion["status"]!.GetValue<string>());
            Assert.Equal("no traffic to trutalk in its window (beat 1 until beat 5): nothing met it down", criterion["notExercisedBecause"]!.GetValue<string>());
            Assert.Null(criterion["figures"]!["openedAt"]);
        }

        Assert.Equal("not-exercised", Criterion(scorecard, "autonomous-recovery")["status"]!.GetValue<string>());
        Assert.All(BundleVerifier.Verify(files), check => Assert.True(check.Passed, $"{check.Name}: {check.Detail}"));
    }

    [Theory]
    [InlineData(42)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(256)]
    [InlineData(9001)]
    public async Task SarahsDayExercisesEveryMustPassCriterionAtAnySeed(long seed)
    {
        using var folder = new TempFolder();

        var outcome = await Apex.RunScenarioAsync(folder.Path, seed: seed);

        Assert.True(outcome.Scorecard.Passed);
        var scorecard = JsonNode.Parse(EvidenceBundle.Read(outcome.BundlePath)["scorecard.json"])!;
        Assert.All(scorecard["criteria"]!.AsArray().Where(c => c!["level"]!.GetValue<string>() == "Must"),
            c => Assert.True(c!["status"]!.GetValue<string>() == "passed", $"{c["id"]}: {c["detail"]}"));
        var breaker = Criterion(scorecard, "circuit-breaker");
        Assert.NotNull(breaker["figures"]!["openedAt"]);
        Assert.Contains("trutalk's circuit opened at", breaker["detail"]!.GetValue<string>());
        Assert.NotNull(Criterion(scorecard, "recovery")["figures"]!["closedAt"]);
    }

    [Fact]
    public async Task VerifyRefusesABundleEditedToClaimAPassForACriterionWithNothingToObserve()
    {
        using var folder = new TempFolder();
        var path = SarahsDayWithOutage(folder, "trutalk", fromBeat: 7, toBeat: 7);
        var outcome = await Apex.RunScenarioAsync(folder.Path, path);
        var claimsAPass = Edit(folder, outcome.BundlePath, "claims-a-pass.zip", "scorecard.json", scorecard =>
        {
            var breaker = Criterion(scorecard, "circuit-breaker");
            breaker["status"] = "passed";
            breaker["passed"] = true;
        });
        var passesTheRun = Edit(folder, outcome.BundlePath, "passes-the-run.zip", "scorecard.json", scorecard => scorecard["passed"] = true);

        var claimed = BundleVerifier.Verify(claimsAPass).Single(c => c.Name == VerdictCheck.Name);
        var passed = BundleVerifier.Verify(passesTheRun).Single(c => c.Name == VerdictCheck.Name);
        var (exitCode, output) = await Apex.RunAsync("verify", claimsAPass);

        Assert.False(claimed.Passed);
        Assert.Contains("circuit-breaker claims a pass, but the outage window is empty", claimed.Detail);
        Assert.False(passed.Passed);
        Assert.Contains("the scorecard passes the run, but must-pass circuit-breaker, recovery did not pass", passed.Detail);
        Assert.Equal(1, exitCode);
        Assert.Contains("claims a pass", output);
        // The digest covers the evidence, not the verdict: only the verdict check catches these edits.
        Assert.True(BundleVerifier.Verify(claimsAPass).Single(c => c.Name == "digest").Passed);
    }

    [Fact]
    public async Task VerifyRefusesABundleWhoseManifestHidesTheOutageItsDeliveriesMet()
    {
        using var folder = new TempFolder();
        var outcome = await Apex.RunScenarioAsync(folder.Path);
        var hidden = Edit(folder, outcome.BundlePath, "outage-hidden.zip", "manifest.json", manifest =>
        {
            manifest["outages"] = new JsonArray();
            manifest["expectedNotExercised"] = new JsonArray("circuit-breaker", "recovery");
        });
        var scorecardToo = Edit(folder, hidden, "scorecard-too.zip", "scorecard.json", scorecard =>
        {
            foreach (var id in new[] { "circuit-breaker", "recovery" })
            {
                Criterion(scorecard, id)["status"] = "not-exercised";
                Criterion(scorecard, id)["passed"] = false;
            }
        });

        var check = BundleVerifier.Verify(scorecardToo).Single(c => c.Name == VerdictCheck.Name);

        Assert.True(BundleVerifier.Verify(outcome.BundlePath).Single(c => c.Name == VerdictCheck.Name).Passed);
        Assert.False(check.Passed);
        Assert.Contains("deliveries met trutalk down, an outage the manifest does not name (it names none)", check.Detail);
    }

    private static JsonNode Criterion(JsonNode scorecard, string id) => scorecard["criteria"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == id)!;

    private static string SarahsDayWithOutage(TempFolder folder, string app, int fromBeat, int toBeat, string[]? expectNotExercised = null)
    {
        var scenario = JsonNode.Parse(File.ReadAllText(Apex.SarahsDay))!;
        scenario["name"] = $"{app}-{fromBeat}-{toBeat}";
        scenario["chaos"]!["outage"] = new JsonObject { ["app"] = app, ["fromBeat"] = fromBeat, ["toBeat"] = toBeat };
        Expect(scenario, expectNotExercised ?? []);
        var path = folder.File($"{app}-{fromBeat}-{toBeat}.json");
        File.WriteAllText(path, scenario.ToJsonString());
        return path;
    }

    /// <summary>Sarah's day whose file says the criteria <paramref name="ids"/> will have nothing to observe.</summary>
    private static string SarahsDayExpecting(TempFolder folder, string name, string[] ids)
    {
        var scenario = JsonNode.Parse(File.ReadAllText(Apex.SarahsDay))!;
        scenario["name"] = name;
        Expect(scenario, ids);
        var path = folder.File($"{name}.json");
        File.WriteAllText(path, scenario.ToJsonString());
        return path;
    }

    private static void Expect(JsonNode scenario, string[] ids)
    {
        if (ids.Length > 0)
        {
            scenario["criteria"] = new JsonObject(ids.Select(id => KeyValuePair.Create(id, (JsonNode?)new JsonObject { ["expect"] = "not-exercised" })));
        }
    }

    private static Scenario Load(string path) => ScenarioLoader.Load(path, AppCatalog.Load(AppCatalog.DefaultPath));

    private static Task<RunOutcome> RunAsync(TempFolder folder, Scenario scenario) =>
        new ScenarioRunner(SilentProgress.Instance, TimeProvider.System).RunAsync(
            new RunOptions { ScenarioPath = scenario.SourcePath, Mesh = new MeshTarget { Storage = "memory" }, OutputDirectory = folder.Path }, scenario);

    private static string Edit(TempFolder folder, string bundle, string name, string file, Action<JsonNode> change)
    {
        var edited = folder.File(name);
        File.Copy(bundle, edited);
        using var zip = ZipFile.Open(edited, ZipArchiveMode.Update);
        var entry = zip.GetEntry(file)!;
        JsonNode json;
        using (var reader = new StreamReader(entry.Open()))
        {
            json = JsonNode.Parse(reader.ReadToEnd())!;
        }

        change(json);
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry(file).Open());
        writer.Write(json.ToJsonString());
        return edited;
    }
}
