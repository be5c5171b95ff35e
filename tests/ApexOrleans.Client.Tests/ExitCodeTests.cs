using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests;

/// <summary>
/// Every command exits 0 when it passed, 1 when a criterion or verification failed, 2 for bad input or usage, 3 when the
/// environment failed; bad input and an unwritable output are found before any work and leave nothing written.
/// </summary>
public sealed class ExitCodeTests
{
    private static readonly string Experiment = Path.Combine(AppContext.BaseDirectory, "experiments", "ex-01-app-outage-isolated.json");

    public static TheoryData<string[], string> BadUsage => new()
    {
        { ["frobnicate"], "frobnicate" },
        { [], "Required command was not provided" },
        { ["run", "--sed", "1"], "--sed" },
        { ["run", "--storage", "oracle"], "oracle" },
        { ["run", "--seed", "twelve"], "--seed 'twelve' must be a whole number" },
        { ["run", "--scenario", "/no/such/scenario.json"], "the file does not exist" },
        { ["run", "--storage", "postgres", "--database", "nonsense==;;"], "--database: not a connection string" },
        { ["load", "--tenants", "0"], "--tenants must be at least 1" },
        { ["load", "--concurency", "4"], "--concurency" },
        { ["load", "--storage", "oracle"], "oracle" },
        { ["load", "--seed", "1e3"], "--seed '1e3' must be a whole number" },
        { ["verify"], "Required argument missing" },
        { ["verify", "/no/such/bundle.zip"], "no such file" },
        { ["verify", "a.zip", "--deep"], "--deep" },
        { ["experiment"], "Required command was not provided" },
        { ["experiment", "frobnicate"], "frobnicate" },
        { ["experiment", "run", "/no/such/experiment.json"], "the file does not exist" },
        { ["experiment", "run", "x.json", "--storage", "oracle"], "oracle" },
        { ["experiment", "list", "--all"], "--all" },
        { ["experiment", "report", "--since", "yesterday"], "--since 'yesterday' is not a duration" },
        { ["experiment", "halt", "no-such-run"], "no run 'no-such-run' is in progress" },
    };

    [Theory]
    [MemberData(nameof(BadUsage))]
    public async Task BadUsageExitsTwoWithAPlainMessageAndWritesNothing(string[] args, string expected)
    {
        using var folder = new TempFolder();
        var records = Path.Combine(folder.Path, "records");
        var output = Path.Combine(folder.Path, "out");
        string[] extra = args switch
        {
            ["run" or "load", ..] => ["--out", output],
            ["experiment", "run" or "list" or "report" or "halt", ..] => ["--records", records],
            _ => [],
        };

        var (exitCode, text) = await Apex.RunAsync([.. args, .. extra]);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, Apex.Flat(text));
        Assert.DoesNotContain("System.", text);
        Assert.DoesNotContain("   at ", text);
        Assert.False(Directory.Exists(output), "bad usage made the output folder");
        Assert.False(Directory.Exists(records) && Directory.EnumerateFiles(records, "*", SearchOption.AllDirectories).Any(), "bad usage wrote a record");
    }

    public static TheoryData<string[]> OutputUnderAFile => new()
    {
        { ["run", "--storage", "memory", "--out", "FILE/evidence"] },
        { ["run", "--storage", "memory", "--out", "FILE"] },
        { ["run", "--storage", "sqlite", "--database", "FILE/apex.db", "--out", "OK"] },
        { ["load", "--storage", "memory", "--tenants", "2", "--out", "FILE/evidence"] },
        { ["experiment", "run", Experiment, "--storage", "memory", "--records", "FILE/records"] },
        { ["experiment", "list", "--records", "FILE/records"] },
        { ["experiment", "report", "--records", "FILE/records"] },
        { ["experiment", "halt", "--records", "FILE/records"] },
    };

    [Theory]
    [MemberData(nameof(OutputUnderAFile))]
    public async Task AnOutputFolderThatCannotBeWrittenExitsThreeBeforeAnyWorkWithNoStackTrace(string[] args)
    {
        using var folder = new TempFolder();
        var file = folder.File("plain.txt");
        File.WriteAllText(file, "not a folder");

        var (exitCode, text) = await Apex.RunAsync([.. args.Select(a => a.Replace("FILE", file, StringComparison.Ordinal).Replace("OK", folder.File("ok"), StringComparison.Ordinal))]);

        Assert.Equal(3, exitCode);
        Assert.Contains("apex:", text);
        Assert.Contains(file, Apex.Flat(text).Replace(" ", "", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("control run", text);
        Assert.Equal("not a folder", File.ReadAllText(file));
        Assert.Equal([file], Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public async Task AnOutputOnAReadOnlyFileSystemExitsThree()
    {
        var (exitCode, text) = await Apex.RunAsync("run", "--storage", "memory", "--out", "/proc/apex-evidence");

        Assert.Equal(3, exitCode);
        Assert.Contains("--out /proc/apex-evidence: cannot write in '/proc'", Apex.Flat(text));
        Assert.DoesNotContain("   at ", text);
    }

    [Fact]
    public async Task VerboseShowsTheStackTraceOfAFailure()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("plain.txt"), "x");

        var (exitCode, text) = await Apex.RunAsync("run", "--storage", "memory", "--out", folder.File("plain.txt"), "--verbose");

        Assert.Equal(3, exitCode);
        Assert.Contains("   at ", text);
        Assert.Contains("OutputFolder.CheckWritable", text);
    }

    [Fact]
    public async Task ASiloThatDoesNotAnswerIsAnEnvironmentFailure()
    {
        using var folder = new TempFolder();

        var (exitCode, text) = await Apex.RunAsync("run", "--silo", "http://127.0.0.1:1", "--out", folder.Path);

        Assert.Equal(3, exitCode);
        Assert.Contains("no silo answers there", Apex.Flat(text));
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Theory]
    [InlineData("list")]
    [InlineData("report")]
    [InlineData("halt")]
    public async Task AnExperimentCommandWithNothingToDoPasses(string command)
    {
        using var folder = new TempFolder();

        var (exitCode, _) = await Apex.RunAsync("experiment", command, "--records", folder.Path);

        Assert.Equal(0, exitCode);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("load")]
    [InlineData("verify")]
    [InlineData("experiment")]
    [InlineData("experiment", "run")]
    [InlineData("experiment", "list")]
    [InlineData("experiment", "report")]
    [InlineData("experiment", "halt")]
    public async Task EveryCommandsHelpStatesTheExitCodes(params string[] command)
    {
        var (exitCode, text) = await Apex.RunAsync([.. command, "--help"]);

        Assert.Equal(0, exitCode);
        Assert.Contains("Exit codes: 0 passed; 1 a criterion or verification failed; 2 bad input or usage", Apex.Flat(text));
        Assert.Contains("3 environment failure", Apex.Flat(text));
        Assert.Contains("--verbose", text);
    }
}
