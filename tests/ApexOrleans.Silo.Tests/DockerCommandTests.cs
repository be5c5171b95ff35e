using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Silo.Tests;

/// <summary>
/// No Docker engine runs here, so the containers' own commands are run outside them: the silo's ENTRYPOINT and CMD
/// (in production mode, on PostgreSQL, with the example keys file), its HEALTHCHECK, and the client's CMD against it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class DockerCommandTests(PostgresFixture postgres)
{
    private static readonly string Docker = Path.Combine(AppContext.BaseDirectory, "docker");

    [GeneratedRegex(@"^(ENTRYPOINT|CMD) (\[.*\])$", RegexOptions.Multiline)]
    private static partial Regex Instruction();

    private static string[] Read(string dockerfile, string instruction) =>
        JsonSerializer.Deserialize<string[]>(Instruction().Matches(File.ReadAllText(Path.Combine(Docker, dockerfile)))
            .Single(m => m.Groups[1].Value == instruction).Groups[2].Value)!;

    [SkippableFact]
    public async Task TheContainersCommandsWorkOutsideThem()
    {
        using var folder = new TempFolder();
        var keys = Path.Combine(Docker, "keys.example.json");
        Assert.Equal(["dotnet", "ApexOrleans.Silo.dll"], Read("silo.Dockerfile", "ENTRYPOINT"));
        // The silo's CMD, but on a loopback port of this machine and with the keys file where the test has it.
        var siloCommand = Read("silo.Dockerfile", "CMD").Select(a => a == "/run/apex/keys.json" ? keys : a).ToList();
        var urls = siloCommand.IndexOf("--urls");
        siloCommand.RemoveRange(urls, 2);
        await using var silo = await SiloProcess.StartAsync([.. siloCommand], environment: new Dictionary<string, string>
        {
            ["Apex__Database"] = postgres.ConnectionString, // as compose.yaml sets it
        });

        Assert.Equal(0, await RunSiloCommandAsync("healthcheck", silo.Url));
        var clientCommand = Read("client.Dockerfile", "CMD")
            .Select(a => a switch { "http://silo:8080" => silo.Url, "/run/apex/keys.json" => keys, "/evidence" => folder.Path, _ => a })
            .Append("--scenario").Append(Path.Combine(AppContext.BaseDirectory, "scenarios", "sarahs-day.json")).ToArray();
        var outcome = await ApexOrleans.Client.Cli.ApexCommands.Build(Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(TextWriter.Null),
        })).Parse(clientCommand).InvokeAsync();

        Assert.Equal(0, outcome);
        Assert.Single(Directory.GetFiles(folder.Path, "*.zip"));
        await silo.DisposeAsync();
        Assert.Equal(1, await RunSiloCommandAsync("healthcheck", silo.Url));
    }

    private static async Task<int> RunSiloCommandAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ApexOrleans.Silo.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
