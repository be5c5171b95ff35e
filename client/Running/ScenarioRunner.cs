using System.Globalization;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Client.Running;

/// <summary>The result of a run: where its bundle is, its scorecard and manifest.</summary>
public sealed record RunOutcome(string BundlePath, Scorecard Scorecard, Manifest Manifest);

/// <summary>
/// <c>apex run</c>: replays a scenario against a silo with seeded chaos, replays it again without chaos as the
/// control, reads everything back from the silo, and writes the evidence bundle. It knows nothing of any
/// scenario beyond its file.
/// </summary>
public sealed class ScenarioRunner(IRunProgress progress, TimeProvider wallClock)
{
    /// <summary>Runs a scenario. Bad input throws before anything is written.</summary>
    public Task<RunOutcome> RunAsync(RunOptions options, CancellationToken cancellationToken = default) =>
        RunAsync(options, ScenarioLoader.Load(options.ScenarioPath, AppCatalog.Load(options.CatalogPath)), cancellationToken);

    /// <summary>Runs <paramref name="scenario"/>, already loaded from <see cref="RunOptions.ScenarioPath"/> (and perhaps adjusted by the caller).</summary>
    public async Task<RunOutcome> RunAsync(RunOptions options, Scenario scenario, CancellationToken cancellationToken = default)
    {
        var seed = options.Seed ?? scenario.Chaos.Seed;
        SignKey(options); // a bad key is refused before anything runs
        OutputFolder.CheckWritable(options.OutputDirectory, "--out");
        options.Mesh.CheckDatabase();
        var catalog = scenario.Catalog ?? AppCatalog.Load(options.CatalogPath);
        // A silo of its own resolves the catalog's endpoints itself; only the embedded one, or explicit flags, need it here.
        var remote = options.Remote.Any(catalog) && (options.Mesh.IsEmbedded || options.Remote.Named) ? ResolveRemote(options, catalog) : null;
        using var host = remote?.Host is { } url ? new AppsHostClient(url, remote.Secret) : null;
        if (host is not null)
        {
            // A host that is not there, holds another secret, serves another catalog or has an app down stops the run before it starts.
            await host.CheckAsync(options.CatalogPath, cancellationToken);
        }

        await using var session = await options.Mesh.OpenAsync(
            options.CatalogPath, Path.Combine(options.OutputDirectory, RunOptions.DatabaseFile), wallClock, cancellationToken, remote is null ? null : remote.Configure);
        return await RunAsync(options, scenario, session, seed, runId: null, cancellationToken, remote is null ? null : new RemoteRun(remote, host));
    }

    /// <summary>Runs <paramref name="scenario"/> on a session the caller opened (and disposes), as run <paramref name="runId"/> if given.</summary>
    internal async Task<RunOutcome> RunAsync(RunOptions options, Scenario scenario, IMeshSession session, long seed, string? runId, CancellationToken cancellationToken,
        RemoteRun? remote = null)
    {
        var startedAt = wallClock.GetUtcNow();
        runId ??= RunId(scenario, seed, startedAt);
        var day = new TenantDay(session, wallClock);
        var records = (IAppRecords?)remote?.Host;

        progress.Phase("control run (no chaos)");
        var controlSettings = Settings(scenario, seed, options.Clock, options.TimeScale, chaos: false);
        var control = await day.ReplayAsync(scenario, $"{runId}-ctl", controlSettings, listed: true, progress: null, cancellationToken);
        var controlRecord = await day.ReadBackAsync(scenario, control, controlSettings, controlState: "", startedAt, cancellationToken, records);
        var controlState = controlRecord.FinalState;

        progress.Phase($"chaos run (seed {seed})");
        var settings = Settings(scenario, seed, options.Clock, options.TimeScale, chaos: true, remote?.OutagesAtHost(scenario));
        DayRun run;
        try
        {
            run = await day.ReplayAsync(scenario, runId, settings, listed: true, progress, cancellationToken, beforeBeat: remote?.OutageEdgesOf(scenario));
        }
        finally
        {
            if (remote is not null)
            {
                await remote.BringUpAsync(scenario); // an outage that outlived the day ends with the run, not with the host
            }
        }

        progress.Phase(records is null ? "reading the evidence back from the silo" : "reading the evidence back from the silo and the apps host");
        var record = await day.ReadBackAsync(scenario, run, settings, controlState, startedAt, cancellationToken, records) with
        {
            Remote = remote?.Line(scenario, options.Clock),
        };
        var files = EvidenceFiles.From(record);
        var metrics = RunMetrics.From(files.Events);
        var scorecard = Scorecard.Evaluate(record, files, metrics);
        var contents = EvidenceBundle.Render(record, files, metrics, scorecard, EvidenceFiles.From(controlRecord));
        if (SignKey(options) is { } key)
        {
            contents = new Dictionary<string, string>(contents) { [BundleSignature.File] = BundleSignature.Sign(contents, key) };
        }

        var path = EvidenceBundle.Write(options.OutputDirectory, runId, contents);
        var manifest = System.Text.Json.JsonSerializer.Deserialize<Manifest>(contents["manifest.json"], BundleJson.Options)!;
        await session.ReportAsync(runId, System.Text.Json.JsonSerializer.SerializeToElement(scorecard, BundleJson.Options), cancellationToken);
        progress.Finished(scorecard, path, manifest);
        return new RunOutcome(path, scorecard, manifest);
    }

    /// <summary>
    /// The run settings of the chaos run or of its control (no chaos, virtual clock, same reliability options); the outages of
    /// <paramref name="outagesAtHost"/> are the apps host's to perform.
    /// </summary>
    public static RunSettings Settings(Scenario scenario, long seed, RunClock clock, double timeScale, bool chaos, IReadOnlySet<string>? outagesAtHost = null)
    {
        var start = scenario.Beats[0].Time;
        if (!chaos)
        {
            return new RunSettings { Delivery = scenario.Delivery, Clock = RunClock.Virtual, ClockStart = start, Control = true };
        }

        return new RunSettings
        {
            Delivery = scenario.Delivery,
            Clock = clock,
            ClockStart = start,
            TimeScale = timeScale,
            Chaos = scenario.ChaosOfRun(seed, outagesAtHost),
        };
    }

    /// <summary>The run's remote apps, checked against the scenario's catalog before anything runs; the made-up secret is shown once.</summary>
    private RemoteAppsChoice.RemoteApps ResolveRemote(RunOptions options, AppCatalog catalog)
    {
        if (!options.Mesh.IsEmbedded)
        {
            throw new BadInputException("--app-endpoint and --apps-host give the embedded silo its remote apps; a silo of its own takes them from its configuration (Apex:Remote).");
        }

        return options.Remote.Resolve(catalog, made =>
            progress.Phase($"no webhook secret given: this run signs with {made.Reveal()} (give your receiver this, or set --webhook-secret)"));
    }

    /// <summary>The key to sign the bundle with, read before anything runs: a missing or short key file is bad input.</summary>
    private static byte[]? SignKey(RunOptions options)
    {
        try
        {
            return options.SignKeyPath is null ? null : BundleSignature.ReadKey(options.SignKeyPath, "--sign-key");
        }
        catch (ArgumentException e)
        {
            throw new BadInputException(e.Message);
        }
    }

    private static string RunId(Scenario scenario, long seed, DateTimeOffset startedAt)
    {
        var name = scenario.Name.Length > 16 ? scenario.Name[..16].TrimEnd('-') : scenario.Name; // keeps tenant ids within 63 characters
        var suffix = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..4];
        return $"{name}-s{seed.ToString(CultureInfo.InvariantCulture)}-{startedAt:yyyyMMdd-HHmmss}-{suffix}".Replace("--", "-");
    }
}
