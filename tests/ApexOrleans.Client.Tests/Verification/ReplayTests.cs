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
        var edited = TamperedBundle.Of(outcome.BundlePath)
            .Json("final-state.json", f => f["jubeelove"]!["tables"]!["sessions"]!["session-001"]!["data"]!["relationshipGoal"] = "something else")
            .Json("control-state.json", f => f["jubeelove"]!["tables"]!["sessions"]!["session-001"]!["data"]!["relationshipGoal"] = "something else")
            .WriteTo(folder.Path, "edited");

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
        var edited = TamperedBundle.Of(outcome.BundlePath).Json("manifest.json", m => m["clock"] = "real").WriteTo(folder.Path, "real");

        var (exitCode, output) = await Apex.RunAsync("verify", "--replay", edited);

        Assert.True(exitCode == 0, output);
        Assert.Contains("not replayed: a real-clock run's timings", Apex.Flat(output));
        Assert.DoesNotContain("replaying the run", output);
    }
}
