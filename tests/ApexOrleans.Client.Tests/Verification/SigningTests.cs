using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests.Verification;

/// <summary>
/// Who made a bundle: <c>apex run --sign-key</c> signs every file, and <c>apex verify --key</c> holds only for that key
/// and those files, including the ones the digest does not cover, and whatever digest an editor computes again.
/// </summary>
public sealed class SigningTests
{
    [Fact]
    public async Task ASignedBundleVerifiesWithItsKeyAndWithNoOtherOrOnceEdited()
    {
        using var folder = new TempFolder();
        var key = Key(folder, "signer.key");
        var other = Key(folder, "other.key");
        var (runExit, runOutput) = await Apex.RunAsync("run", "--storage", "memory", "--sign-key", key, "--out", folder.File("out"));
        Assert.True(runExit == 0, runOutput);
        var bundle = Assert.Single(Directory.GetFiles(folder.File("out"), "*.zip"));
        // A figure of the scorecard changed: a file the digest does not cover.
        var edited = TamperedBundle.Of(bundle).Json("scorecard.json", c => c["shouldPassed"] = !c["shouldPassed"]!.GetValue<bool>()).WriteTo(folder.Path, "edited");

        var (signedExit, signed) = await Apex.RunAsync("verify", "--key", key, bundle);
        var (otherExit, byOther) = await Apex.RunAsync("verify", "--key", other, bundle);
        var (editedExit, afterEdit) = await Apex.RunAsync("verify", "--key", key, edited);
        var (_, withoutKey) = await Apex.RunAsync("verify", bundle);

        Assert.True(signedExit == 0, signed);
        Assert.Contains("ok signed with the key given", Apex.Flat(signed));
        Assert.Equal(1, otherExit);
        Assert.Matches("signed with key [0-9a-f]{16}, not with the key given", Apex.Flat(byOther));
        Assert.Equal(1, editedExit);
        Assert.Contains("changed since it was signed: scorecard.json", Apex.Flat(afterEdit));
        Assert.Contains("the bundle is signed; give --key to check who made it", Apex.Flat(withoutKey));
    }

    [Fact]
    public async Task AnUnsignedBundleFailsWhenAKeyIsGiven()
    {
        using var folder = new TempFolder();
        var outcome = await Apex.RunScenarioAsync(folder.Path);

        var (exitCode, output) = await Apex.RunAsync("verify", "--key", Key(folder, "k"), outcome.BundlePath);

        Assert.Equal(1, exitCode);
        Assert.Contains("the bundle is not signed", Apex.Flat(output));
    }

    [Fact]
    public async Task AShortKeyIsRefusedBeforeAnythingIsRun()
    {
        using var folder = new TempFolder();
        var shortKey = folder.File("short.key");
        await File.WriteAllTextAsync(shortKey, "secret");

        var (exitCode, output) = await Apex.RunAsync("run", "--storage", "memory", "--sign-key", shortKey, "--out", folder.File("out"));

        Assert.Equal(2, exitCode);
        Assert.Contains("a key of at least 32 bytes is needed (it has 6)", Apex.Flat(output));
        Assert.False(Directory.Exists(folder.File("out")));
    }

    private static string Key(TempFolder folder, string name)
    {
        var path = folder.File(name);
        File.WriteAllBytes(path, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        return path;
    }
}
