using ApexOrleans.Client.Cli;
using ApexOrleans.Client.Running;
using Spectre.Console;

namespace ApexOrleans.Client.Tests;

/// <summary>Runs the real `apex` command line in-process and captures what it prints.</summary>
internal static class Apex
{
    public static string SarahsDay => Path.Combine(AppContext.BaseDirectory, "scenarios", "sarahs-day.json");

    /// <summary>Sarah's day with three outage windows of two apps and a replay of beat 4's key with a changed payload.</summary>
    public static string OutagesAndAChangedReplay => Path.Combine(AppContext.BaseDirectory, "scenarios", "outages-and-a-changed-replay.json");

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        var exitCode = await ApexCommands.InvokeAsync(console, args, output);
        return (exitCode, output.ToString());
    }

    /// <summary>Output with every run of white space (the console wraps long lines) made one space, for matching messages.</summary>
    public static string Flat(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");

    /// <summary>Runs a scenario through the runner directly (quiet), on memory unless told otherwise.</summary>
    public static Task<RunOutcome> RunScenarioAsync(string outputDirectory, string? scenario = null, long? seed = null, string storage = "memory", string? database = null,
        RemoteAppsChoice? remote = null) =>
        new ScenarioRunner(SilentProgress.Instance, TimeProvider.System).RunAsync(new RunOptions
        {
            ScenarioPath = scenario ?? SarahsDay,
            Seed = seed,
            Mesh = new MeshTarget { Storage = storage, Database = database },
            OutputDirectory = outputDirectory,
            Remote = remote ?? new RemoteAppsChoice(),
        });
}
