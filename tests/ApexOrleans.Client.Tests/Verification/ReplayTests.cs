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
    public async Task ATimeNoCheckDerivesMovedFailsOnlyTheReplay()
    {
        using var folder = new TempFolder();
        var outcome = await Apex.RunScenarioAsync(folder.Path, seed: 3);
        // When a repeated publish was refused: no claim rests on it, so only running the seed again shows the edit.
        var edited = TamperedBundle.Of(outcome.BundlePath)
            .Lines("receipts.jsonl", l => l.First(r => r["kind"]!.GetValue<string>() == "refusal")["at"] = "2026-01-03T06:00:00+00:00")
            .WriteTo(folder.Path, "edited");

        var (plainExit, plain) = await Apex.RunAsync("verify", edited);
        var (replayExit, replayed) = await Apex.RunAsync("verify", "--replay", edited);

        Assert.True(plainExit == 0, plain);
        Assert.Equal(1, replayExit);
        Assert.Contains("receipts.jsonl differs from line", Apex.Flat(replayed));
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
