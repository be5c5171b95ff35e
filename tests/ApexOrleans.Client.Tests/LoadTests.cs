using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Load;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Verification;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests;

public sealed class LoadTests
{
    private sealed class Quiet : ILoadProgress
    {
        public int Ticks;

        public void Phase(string description)
        {
        }

        public void Tick(LoadTick tick) => Interlocked.Increment(ref Ticks);

        public void Finished(LoadSummary summary, string bundlePath)
        {
        }
    }

    [Fact]
    public async Task ALoadOfManyTenantsHoldsEveryGuaranteeInEveryTenantAndItsFiguresAddUp()
    {
        using var folder = new TempFolder();

        var (exitCode, output) = await Apex.RunAsync("load", "--scenario", Apex.SarahsDay, "--tenants", "12", "--concurrency", "4",
            "--seed", "7", "--out", folder.Path);

        Assert.True(exitCode == 0, output);
        var bundle = Assert.Single(Directory.GetFiles(folder.Path, "load-*.zip"));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.partial"));
        using var reader = LoadBundleReader.TryOpen(bundle)!;
        var summary = JsonNode.Parse(reader.SummaryJson)!;
        Assert.Equal(12, summary["tenants"]!.GetValue<int>());
        Assert.Equal(12, summary["tenantsPassed"]!.GetValue<int>());
        Assert.Equal(12 * 13, summary["events"]!.GetValue<long>()); // every beat of every tenant accepted once
        Assert.True(summary["deliveries"]!.GetValue<long>() > summary["events"]!.GetValue<long>());
        Assert.True(summary["meshLatencyMs"]!["count"]!.GetValue<int>() == summary["deliveries"]!.GetValue<long>());
        Assert.True(summary["retries"]!.GetValue<long>() > 0, "chaos was on: some attempts must have failed and been retried");
        Assert.Equal(0, summary["queueDepth"]!["final"]!.GetValue<long>());
        Assert.True(summary["workingSetBytes"]!["peak"]!.GetValue<long>() > 0);

        // Each tenant ran with its own seed: seed + index, so twelve different chaos schedules.
        var tenants = reader.Tenants().ToList();
        Assert.Equal(12, tenants.Count);
        var seeds = tenants.Select(t => JsonNode.Parse(t.Files["manifest.json"])!["seed"]!.GetValue<long>()).Order().ToList();
        Assert.Equal(Enumerable.Range(7, 12).Select(i => (long)i), seeds);
        Assert.Equal(12, tenants.Select(t => JsonNode.Parse(t.Files["manifest.json"])!["digest"]!.GetValue<string>()).Distinct().Count());

        var checks = LoadVerifier.Verify(reader);
        Assert.All(checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        var (verifyExit, verifyOutput) = await Apex.RunAsync("verify", bundle);
        Assert.True(verifyExit == 0, verifyOutput);
        Assert.Contains("held in all 12 tenants", verifyOutput);

        // The writes it reports are the rows its tenants stored: a row's version counts its writes (a journal entry's is 1).
        var writes = summary["storageWrites"]!["writes"]!.GetValue<long>();
        Assert.Equal(await StoredWritesAsync(Path.Combine(folder.Path, LoadOptions.DatabaseFile), summary["loadId"]!.GetValue<string>()), writes);
        Assert.Equal(Math.Round(writes / (12 * 13.0), 2), summary["storageWrites"]!["perEvent"]!.GetValue<double>());
    }

    private static async Task<long> StoredWritesAsync(string database, string loadId)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(sum(version), 0) FROM grain_state WHERE grain_key GLOB $tenants"; // not the control day's
        command.Parameters.AddWithValue("$tenants", $"{loadId}-[0-9][0-9][0-9][0-9][0-9][0-9]*");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task ASecondChargeInOneTenantOfALoadBundleFailsVerifyNamingTheTenant()
    {
        using var folder = new TempFolder();
        var outcome = await new LoadRunner(new Quiet(), TimeProvider.System).RunAsync(new LoadOptions
        {
            ScenarioPath = Apex.SarahsDay, Tenants = 3, Concurrency = 3, Mesh = new MeshTarget { Storage = "memory" }, OutputDirectory = folder.Path,
        });
        Assert.True(outcome.Summary.Passed);

        // Forge a second charge of the payment in one tenant: copy its flowbills apply receipt under a new event id.
        string victim;
        using (var zip = ZipFile.Open(outcome.BundlePath, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.First(e => e.FullName.EndsWith("/receipts.jsonl", StringComparison.Ordinal));
            victim = entry.FullName.Split('/')[1];
            string text;
            using (var read = new StreamReader(entry.Open()))
            {
                text = read.ReadToEnd();
            }

            var apply = text.Split('\n').First(l => l.Contains("\"kind\":\"apply\"") && l.Contains("\"app\":\"flowbills\""));
            var forged = JsonNode.Parse(apply)!;
            forged["eventId"] = "forged-second-charge";
            entry.Delete();
            using var write = new StreamWriter(zip.CreateEntry($"tenants/{victim}/receipts.jsonl").Open(), new UTF8Encoding(false));
            write.Write(text + forged.ToJsonString() + "\n");
        }

        var (exitCode, output) = await Apex.RunAsync("verify", outcome.BundlePath);

        Assert.Equal(1, exitCode);
        Assert.Contains("FAIL one effect per (source app, idempotency key, target) (every tenant): broken in 1 of 3 tenants", output.ReplaceLineEndings(" ").Replace("  ", " "));
        Assert.Contains(victim, output.ReplaceLineEndings(""));
    }

    [Fact]
    public async Task LoadFiguresThatClaimMoreThanTheTenantsDidFailVerify()
    {
        using var folder = new TempFolder();
        var outcome = await new LoadRunner(new Quiet(), TimeProvider.System).RunAsync(new LoadOptions
        {
            ScenarioPath = Apex.SarahsDay, Tenants = 2, Concurrency = 2, Mesh = new MeshTarget { Storage = "memory" }, OutputDirectory = folder.Path,
        });
        using (var zip = ZipFile.Open(outcome.BundlePath, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("load.json")!;
            JsonNode summary;
            using (var read = entry.Open())
            {
                summary = JsonNode.Parse(read)!;
            }

            summary["events"] = summary["events"]!.GetValue<long>() * 10;
            entry.Delete();
            using var write = new StreamWriter(zip.CreateEntry("load.json").Open(), new UTF8Encoding(false));
            write.Write(summary.ToJsonString());
        }

        using var reader = LoadBundleReader.TryOpen(outcome.BundlePath)!;
        var totals = Assert.Single(LoadVerifier.Verify(reader), c => c.Name == "load.json totals equal the tenants' files");
        Assert.False(totals.Passed);
        Assert.Contains($"events {outcome.Summary.Events} (load.json {outcome.Summary.Events * 10})", totals.Detail);
    }

    [Fact]
    public async Task ADurationLoadKeepsStartingTenantsUntilTimeIsUpAndReportsProgress()
    {
        using var folder = new TempFolder();
        var progress = new Quiet();
        var outcome = await new LoadRunner(progress, TimeProvider.System).RunAsync(new LoadOptions
        {
            ScenarioPath = Apex.SarahsDay, Duration = TimeSpan.FromSeconds(3), Concurrency = 4, Mesh = new MeshTarget { Storage = "memory" }, OutputDirectory = folder.Path,
        });

        Assert.True(outcome.Summary.Passed);
        Assert.Null(outcome.Summary.TenantsRequested);
        Assert.True(outcome.Summary.Tenants >= 4, $"{outcome.Summary.Tenants} tenants in 3 s");
        Assert.True(progress.Ticks >= 2, $"{progress.Ticks} progress ticks in a 3 s load");
        Assert.True(outcome.Summary.WallSeconds >= 3);
    }

    [Theory]
    [InlineData("--tenants", "0", "--tenants must be at least 1")]
    [InlineData("--concurrency", "0", "--concurrency must be at least 1")]
    [InlineData("--duration", "5x", "--duration '5x' is not a duration")]
    [InlineData("--collection-age", "-1s", "--collection-age '-1s' is not a duration")]
    public async Task BadLoadOptionsExitTwoAndWriteNothing(string option, string value, string message)
    {
        using var folder = new TempFolder();
        var output = Path.Combine(folder.Path, "out");

        var (exitCode, text) = await Apex.RunAsync("load", "--scenario", Apex.SarahsDay, "--storage", "memory", option, value, "--out", output);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, text.ReplaceLineEndings(""));
        Assert.False(Directory.Exists(output));
    }
}
