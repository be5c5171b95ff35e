using System.Globalization;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Contracts.Tenancy;
using Orleans.Configuration;
using ApexOrleans.Contracts.Apps;

namespace ApexOrleans.Client.Load;

/// <summary>The result of a load: its bundle and figures.</summary>
public sealed record LoadOutcome(string BundlePath, LoadSummary Summary);

/// <summary>
/// <c>apex load</c>: many tenants replay a scenario's day at once against one silo, each with its own seeded
/// chaos (seed + tenant index) on a virtual clock. Every tenant's evidence is read back and scored exactly as
/// <c>apex run</c> scores a run, against one control day without chaos, so a load is also an invariant run:
/// speed never counts unless every tenant holds every guarantee.
/// </summary>
public sealed class LoadRunner(ILoadProgress progress, TimeProvider wallClock)
{
    /// <summary>How often progress and the silo's figures are sampled.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    /// <summary>Runs a load. Bad input throws before anything is written.</summary>
    public async Task<LoadOutcome> RunAsync(LoadOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var catalog = AppCatalog.Load(options.CatalogPath);
        var scenario = ScenarioLoader.Load(options.ScenarioPath, catalog);
        var seed = options.Seed ?? scenario.Chaos.Seed;
        int? total = options.Tenants ?? (options.Duration is null ? LoadOptions.DefaultTenants : null);
        OutputFolder.CheckWritable(options.OutputDirectory, "--out");
        options.Mesh.CheckDatabase();

        progress.Phase($"starting the silo ({options.Mesh.Description})");
        await using var session = await options.Mesh.OpenAsync(
            options.CatalogPath, Path.Combine(options.OutputDirectory, LoadOptions.DatabaseFile), wallClock, cancellationToken,
            silo => silo.Configure<GrainCollectionOptions>(c =>
            {
                c.CollectionAge = options.CollectionAge;
                c.CollectionQuantum = TimeSpan.FromTicks(Math.Max(options.CollectionAge.Ticks / 3, TimeSpan.FromSeconds(1).Ticks));
            }));
        var loadId = $"load-{wallClock.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..4]}";
        var day = new TenantDay(session, wallClock);

        progress.Phase("control day (no chaos): the state every tenant must end in");
        var controlSettings = ScenarioRunner.Settings(scenario, seed, RunClock.Virtual, 1.0, chaos: false);
        var control = await day.ReplayAsync(scenario, $"{loadId}-ctl", controlSettings, listed: false, progress: null, cancellationToken);
        var controlState = TenantStateReader.Canonical(await session.AppsAsync(control.Tenant, cancellationToken));
        await session.EndTenantAsync(control.Tenant, cancellationToken);

        var writesBefore = (await session.StatsAsync(cancellationToken)).Writes;
        using var bundle = LoadBundleWriter.Create(options.OutputDirectory, loadId);
        var tally = new LoadTally();
        progress.Phase($"{(total is { } t ? $"{t} tenants" : "tenants")}, {options.Concurrency} at once" +
            (options.Duration is { } d ? $", for at most {d.TotalSeconds:0.#} s" : ""));
        var startedAt = wallClock.GetUtcNow();
        var started = wallClock.GetTimestamp();
        var next = -1;
        var running = 0;

        async Task WorkAsync()
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next);
                if ((total is { } limit && index >= limit) || (options.Duration is { } duration && wallClock.GetElapsedTime(started) >= duration))
                {
                    return;
                }

                Interlocked.Increment(ref running);
                try
                {
                    await TenantAsync(session, day, scenario, TenantId(loadId, index), seed + index, controlState, bundle, tally, cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                }
            }
        }

        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = SampleAsync(session, tally, started, () => running, total, sampling.Token);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(WorkAsync, cancellationToken)));
        }
        finally
        {
            await sampling.CancelAsync();
            await sampler; // it never throws: a sample that fails is skipped
        }

        cancellationToken.ThrowIfCancellationRequested();
        var wall = wallClock.GetElapsedTime(started);

        var final = await FinalStatsAsync(session, tally, cancellationToken);
        var summary = tally.Summarize(new LoadSummary
        {
            LoadId = loadId,
            Scenario = scenario.Name,
            ScenarioSha256 = scenario.Sha256,
            Silo = session.Silo,
            Storage = session.Storage,
            FirstSeed = seed,
            TenantsRequested = total,
            Concurrency = options.Concurrency,
            DurationLimitSeconds = options.Duration?.TotalSeconds,
            StartedAt = startedAt,
            FinishedAt = wallClock.GetUtcNow(),
            WallSeconds = Math.Round(wall.TotalSeconds, 3),
        }, final);
        summary = summary with { StorageWrites = StorageWriteFigures.Between(writesBefore, final.Writes, summary.Events) };
        var path = bundle.Complete(summary);
        progress.Finished(summary, path);
        return new LoadOutcome(path, summary);
    }

    /// <summary>The id of tenant <paramref name="index"/> of a load.</summary>
    public static string TenantId(string loadId, int index) => $"{loadId}-{index.ToString("D6", CultureInfo.InvariantCulture)}";

    private async Task TenantAsync(IMeshSession session, TenantDay day, Scenario scenario, string tenant, long seed, string controlState,
        LoadBundleWriter bundle, LoadTally tally, CancellationToken cancellationToken)
    {
        var settings = ScenarioRunner.Settings(scenario, seed, RunClock.Virtual, 1.0, chaos: true);
        try
        {
            var startedAt = wallClock.GetUtcNow();
            var run = await day.ReplayAsync(scenario, tenant, settings, listed: false, progress: null, cancellationToken);
            var record = await day.ReadBackAsync(scenario, run, settings, controlState, startedAt, cancellationToken);
            var files = EvidenceFiles.From(record);
            var metrics = RunMetrics.From(files.Events);
            var scorecard = Scorecard.Evaluate(record, files, metrics);
            bundle.AddTenant(tenant, EvidenceBundle.Render(record, files, metrics, scorecard));
            tally.Add(record, files, metrics, scorecard, run.PublishMilliseconds);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            tally.AddError(tenant, e);
        }
        finally
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                await RetireAsync(session, tenant, tally);
            }
        }
    }

    /// <summary>Retires a finished tenant; a silo that cannot is noted, and the load goes on (the tenant's evidence is already read).</summary>
    private static async Task RetireAsync(IMeshSession session, string tenant, LoadTally tally)
    {
        try
        {
            await session.EndTenantAsync(tenant, CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            tally.AddWarning($"{tenant}: not retired on the silo ({e.Message})");
        }
    }

    /// <summary>The silo's figures at the end; if the silo cannot answer, the last sample stands.</summary>
    private static async Task<MeshStats> FinalStatsAsync(IMeshSession session, LoadTally tally, CancellationToken cancellationToken)
    {
        try
        {
            return await session.StatsAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            tally.AddWarning($"final silo figures unavailable ({e.Message}); the last sample is reported");
            return tally.LastSample;
        }
    }

    private async Task SampleAsync(IMeshSession session, LoadTally tally, long started, Func<int> running, int? total, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SampleInterval, wallClock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                MeshStats stats;
                try
                {
                    stats = await session.StatsAsync(cancellationToken);
                }
                catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    continue; // a slow or restarting silo: skip this sample, the load goes on
                }

                var p99 = tally.Sample(stats);
                var elapsed = wallClock.GetElapsedTime(started);
                progress.Tick(new LoadTick(elapsed, tally.Tenants + tally.Errors, running(), total,
                    tally.Events / elapsed.TotalSeconds, tally.Deliveries / elapsed.TotalSeconds, p99, tally.Failed + tally.Errors, stats));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
