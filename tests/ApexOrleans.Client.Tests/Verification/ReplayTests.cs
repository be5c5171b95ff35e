using System.IO.Compression;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests.Verification;

/// <summary>
/// <c>apex verify --replay</c> runs a bundle's scenario again at its seed and requires its digest: it proves what no
/// check of the files alone can, that the evidence is what this scenario and seed do.
/// </summary>
public sealed class ReplayTests
{
    [Fact]
    public async Task ABundleReplaysToItsOwnDigest()
    {
        using var folder = new TempFolder();
        var outcome = await Apex.RunScenarioAsync(folder.Path, seed: 3, storage: "sqlite");

        var (exitCode, output) = await Apex.RunAsync("verify", "--replay", outcome.BundlePath);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"seed 3 on an embedded silo gave the bundle's digest {outcome.Manifest.Digest}", Apex.Flat(output));
    }

    [Fact]
    public async Task AStateEditedAlikeInTheFinalAndControlStatesFailsOnlyTheReplay()
    {
        using var folder = new TempFolder();
        var outcome = await Apex.RunScenarioAsync(folder.Path, seed: 3);
        // A field no data proof reads, changed the same way at the end of the run and of its control, digest computed again.
        var edited = Edit(outcome.BundlePath, folder.File("edited.zip"), files =>
        {
            foreach (var state in new[] { "final-state.json", "control-state.json" })
            {
                var node = JsonNode.Parse(files[state])!;
                node["jubeelove"]!["tables"]!["sessions"]!["session-001"]!["data"]!["relationshipGoal"] = "something else";
                files[state] = node.ToJsonString();
            }
        });

        var (plainExit, plain) = await Apex.RunAsync("verify", edited);
        var (replayExit, replayed) = await Apex.RunAsync("verify", "--replay", edited);

        Assert.True(plainExit == 0, plain);
        Assert.Equal(1, replayExit);
        Assert.Contains("final-state.json differs from line 1, control-state.json differs from line 1", Apex.Flat(replayed));
    }

    [Fact]
    public async Task ARealClockBundleSaysWhyItIsNotReplayed()
    {
        using var folder = new TempFolder();
        var outcome = await Apex.RunScenarioAsync(folder.Path, seed: 3);
        var edited = Edit(outcome.BundlePath, folder.File("real.zip"), files =>
        {
            var manifest = JsonNode.Parse(files["manifest.json"])!;
            manifest["clock"] = "real";
            files["manifest.json"] = manifest.ToJsonString();
        });

        var (exitCode, output) = await Apex.RunAsync("verify", "--replay", edited);

        Assert.True(exitCode == 0, output);
        Assert.Contains("not replayed: a real-clock run's timings", Apex.Flat(output));
        Assert.DoesNotContain("replaying the run", output);
    }

    /// <summary>Copies a bundle with its files edited and its digest computed again.</summary>
    private static string Edit(string bundle, string path, Action<Dictionary<string, string>> edit)
    {
        var files = EvidenceBundle.Read(bundle).ToDictionary(f => f.Key, f => f.Value);
        edit(files);
        var manifest = JsonNode.Parse(files["manifest.json"])!;
        manifest["digest"] = BundleDigest.Compute(files);
        files["manifest.json"] = manifest.ToJsonString();
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var (name, text) in files)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(text);
            }
        }

        return path;
    }
}
