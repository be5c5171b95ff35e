using ApexOrleans.Silo.Hosting;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Silo.Tests;

/// <summary>A development silo says at start that it gives its keys to every loopback client; a production silo does not.</summary>
public sealed class DevelopmentModeTests
{
    [Fact]
    public async Task ADevelopmentSiloWarnsThatItsKeysGoToEveryLoopbackClientAndAProductionSiloDoesNot()
    {
        string[] production = ["--Apex:Storage", "memory", "--Apex:Mode", "production", "--Apex:Keys:Admin", "admin-key-0123456789"];
        foreach (var app in new[] { "aspiral", "autorepai", "bright", "careconnect", "flowbills", "flowc", "jubeelove", "keepsafe", "omnihub", "tradeline247", "trutalk" })
        {
            production = [.. production, $"--Apex:Keys:Apps:{app}", $"{app}-key-0123456789"];
        }

        await using var development = await SiloProcess.StartAsync(["--Apex:Storage", "memory"]);
        await using var shared = await SiloProcess.StartAsync(production);
        await ApiTests.Eventually(() => Task.FromResult(development.Output.Any(l => l.StartsWith("WARNING: Development mode", StringComparison.Ordinal))));
        await ApiTests.Eventually(() => Task.FromResult(shared.Output.Any(l => l.Contains("Application started"))));
        var lines = development.Output.ToList();

        var consoleLine = Assert.Single(lines, l => l == $"WARNING: {SiloHost.DevelopmentKeysWarning}");
        var logged = lines.FindIndex(l => l.Trim() == SiloHost.DevelopmentKeysWarning);
        Assert.True(logged > 0 && lines[logged - 1].StartsWith("warn:", StringComparison.Ordinal), "the warning is logged at level Warning");
        Assert.Contains("/api/v1/dev/keys", consoleLine);
        Assert.Contains("reverse proxy", consoleLine);
        Assert.Contains("--Apex:Mode production", consoleLine);
        Assert.DoesNotContain(shared.Output, l => l.Contains("reverse proxy"));
    }
}
