using System.Diagnostics;
using System.Globalization;
using ApexOrleans.TestSupport;
using Orleans.Storage;
using Xunit.Abstractions;

namespace ApexOrleans.Storage.Tests.AdoNet;

/// <summary>
/// A measurement, not a timed assertion: how many grain state writes per second each PostgreSQL provider commits with 32
/// writers each rewriting its own 2 KB state. Runs one second per provider; set APEX_MEASURE_SECONDS for a longer run and
/// read the figures in the test output (dotnet test --logger "console;verbosity=detailed").
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresWriteThroughput(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Writers = 32;
    private readonly List<string> _schemas = [];

    [SkippableFact]
    public async Task BothPostgresProvidersCommitConcurrentRewritesOfTwoKilobyteStates()
    {
        var seconds = double.Parse(Environment.GetEnvironmentVariable("APEX_MEASURE_SECONDS") ?? "1", CultureInfo.InvariantCulture);

        var adoNetConnection = AdoNetPostgres.FreshSchema(postgres, out var adoNetSchema);
        _schemas.Add(adoNetSchema);
        var adoNet = await MeasureAsync(AdoNetPostgres.Create(adoNetConnection), seconds);

        var batchedSchema = PostgresFixture.NewSchemaName();
        _schemas.Add(batchedSchema);
        await using var batchedStorage = new PostgresGrainStorage(
            new PostgresGrainStorageOptions { ConnectionString = postgres.ConnectionString, Schema = batchedSchema }, new WebJsonGrainStorageSerializer());
        var batched = await MeasureAsync(batchedStorage, seconds);

        output.WriteLine($"{Writers} writers, 2 KB states, {seconds:0.#} s each: ADO.NET {adoNet:0} writes/s, " +
                         $"project's batching provider {batched:0} writes/s ({batched / adoNet:0.00}x)");
        Assert.True(adoNet > 0 && batched > 0);
    }

    /// <summary>Writes per second over <paramref name="seconds"/>, after each writer's first write (which creates its row).</summary>
    private static async Task<double> MeasureAsync(IGrainStorage storage, double seconds)
    {
        var states = Enumerable.Range(0, Writers).Select(i => new GrainState<Measured> { State = new Measured { Text = new string('x', 2_000) } }).ToArray();
        await Task.WhenAll(states.Select((state, i) => storage.WriteStateAsync("measured", GrainId.Create("measured", $"w{i}"), state)));

        long writes = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(states.Select((state, i) => Task.Run(async () =>
        {
            var grain = GrainId.Create("measured", $"w{i}");
            while (clock.Elapsed < until)
            {
                state.State!.Count++;
                await storage.WriteStateAsync("measured", grain, state);
                Interlocked.Increment(ref writes);
            }
        })));
        return writes / clock.Elapsed.TotalSeconds;
    }

    public sealed class Measured
    {
        public int Count { get; set; }

        public string Text { get; set; } = "";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var schema in _schemas)
        {
            await AdoNetPostgres.DropSchemaAsync(postgres, schema);
        }
    }
}
