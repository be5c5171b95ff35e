using ApexOrleans.Client.Running;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Silo.Tests;

public sealed class RemoteRunTests
{
    private static string SarahsDay => Path.Combine(AppContext.BaseDirectory, "scenarios", "sarahs-day.json");

    private static Task<RunOutcome> RunAsync(string output, string silo, long seed = 42) =>
        new ScenarioRunner(SilentProgress.Instance, TimeProvider.System).RunAsync(new RunOptions
        {
            ScenarioPath = SarahsDay, Seed = seed, Mesh = new MeshTarget { Silo = silo, Storage = "memory" }, OutputDirectory = output,
        });

    [Fact]
    public async Task ARemoteRunHasTheEmbeddedRunsDigestAndItsScorecardReachesTheSilo()
    {
        using var folder = new TempFolder();
        await using var silo = await RunningSilo.StartAsync();

        var embedded = await RunAsync(folder.Path, "embedded");
        var remote = await RunAsync(folder.Path, silo.Url);

        Assert.True(remote.Scorecard.Passed);
        Assert.Equal(embedded.Manifest.Digest, remote.Manifest.Digest);
        Assert.Equal(silo.Url.TrimEnd('/'), remote.Manifest.Silo);
        var runs = await silo.AdminGetAsync("/api/v1/runs");
        var listed = Assert.Single(runs.EnumerateArray(), r => r.GetProperty("runId").GetString() == remote.Manifest.RunId);
        Assert.True(listed.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task TwoRunsAtOnceOnOneSiloDoNotInterfere()
    {
        using var folder = new TempFolder();
        await using var silo = await RunningSilo.StartAsync();
        var expected42 = (await RunAsync(folder.Path, "embedded", 42)).Manifest.Digest;
        var expected7 = (await RunAsync(folder.Path, "embedded", 7)).Manifest.Digest;

        var runs = await Task.WhenAll(RunAsync(folder.Path, silo.Url, 42), RunAsync(folder.Path, silo.Url, 7));

        Assert.Equal(expected42, runs[0].Manifest.Digest);
        Assert.Equal(expected7, runs[1].Manifest.Digest);
    }
}
