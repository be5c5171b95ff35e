using ApexOrleans.Grains.Chaos;
using ApexOrleans.Bench.Baselines;
using ApexOrleans.Bench.Harness;
using ApexOrleans.Bench.Workloads;
using ApexOrleans.Runtime.Hosting;
using ApexOrleans.Runtime.Storage;
using ApexOrleans.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ApexOrleans.Bench.Suites;

/// <summary>
/// (b) Durable mesh events against raw single-row inserts at the same client count and durability: on PostgreSQL
/// (synchronous_commit=on) and on SQLite (WAL, synchronous=FULL). A mesh event is a whole business event: claimed,
/// accepted, applied at its source app, fanned out and applied at every target, reactions included; it counts once
/// every delivery it caused is done.
/// </summary>
public static class StorageSuite
{
    /// <summary>Measures PostgreSQL then SQLite.</summary>
    public static async Task RunAsync(BenchOptions options, BenchReport report, MeshDays days, BenchPostgres postgres, Action<string> log)
    {
        await PostgresAsync(options, report, days, postgres, log);
        await SqliteAsync(options, report, days, log);
    }

    private static async Task PostgresAsync(BenchOptions options, BenchReport report, MeshDays days, BenchPostgres postgres, Action<string> log)
    {
        var connectionString = await postgres.ConnectionStringAsync();
        await using var source = NpgsqlDataSource.Create(connectionString + ";Maximum Pool Size=200");
        await using (var show = source.CreateCommand("SELECT current_setting('synchronous_commit'), current_setting('fsync')"))
        await using (var reader = await show.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            var (synchronousCommit, fsync) = (reader.GetString(0), reader.GetString(1));
            report.Notes.Add($"PostgreSQL synchronous_commit = {synchronousCommit}, fsync = {fsync} for both the raw inserts and the mesh" +
                $"{(postgres.Throwaway ? " (a throwaway cluster on 127.0.0.1 started by the bench)" : "")}.");
            if (synchronousCommit != "on" || fsync != "on")
            {
                throw new InvalidOperationException($"synchronous_commit is '{synchronousCommit}' and fsync '{fsync}': the comparison must run at full durability.");
            }
        }

        log($"(b) PostgreSQL: raw INSERT … ON CONFLICT DO NOTHING vs durable mesh events, {options.Clients} clients");
        var table = await RawInserts.PreparePostgresAsync(source);
        var connections = new NpgsqlConnection[options.Clients];
        for (var i = 0; i < connections.Length; i++)
        {
            connections[i] = await source.OpenConnectionAsync();
        }

        var schema = $"bench_{Guid.NewGuid():N}"[..20];
        await using var silo = await BenchSilo.StartAsync(GrainStorageChoice.Postgres(connectionString, schema), options.CatalogPath);
        var run = 0;
        Task<double> Raw()
        {
            var batch = Interlocked.Increment(ref run);
            return Throughput.MeasureAsync(options.Clients, options.Window, (c, i) => RawInserts.InsertAsync(connections[c], table, $"{batch}-{c}-{i}"));
        }

        async Task<IReadOnlyList<byte[]>> SampleAsync()
        {
            var samples = new List<byte[]>();
            await using var command = source.CreateCommand($"SELECT convert_to(payload::text, 'UTF8') FROM \"{schema}\".grain_state WHERE payload IS NOT NULL ORDER BY random() LIMIT {SampledStates}");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                samples.Add(reader.GetFieldValue<byte[]>(0));
            }

            return samples;
        }

        var storage = await CompareAsync("PostgreSQL", options, report, days, silo, Raw, SampleAsync, log);
        report.Notes.Add($"PostgreSQL group commit in the measured mesh runs: {storage.Writes:N0} state writes in {storage.Transactions:N0} transactions " +
            $"({storage.Writes / (double)Math.Max(1, storage.Transactions):0.0} writes per commit).");
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    private static async Task SqliteAsync(BenchOptions options, BenchReport report, MeshDays days, Action<string> log)
    {
        log($"(b) SQLite: raw INSERT … ON CONFLICT DO NOTHING vs durable mesh events, {options.Clients} clients");
        using var folder = new TempFolder();
        var rawFile = folder.File("raw.db");
        (await RawInserts.OpenSqliteAsync(rawFile, create: true)).Dispose();
        var connections = new Microsoft.Data.Sqlite.SqliteConnection[options.Clients];
        for (var i = 0; i < connections.Length; i++)
        {
            connections[i] = await RawInserts.OpenSqliteAsync(rawFile, create: false);
        }

        var meshFile = folder.File("mesh.db");
        await using var silo = await BenchSilo.StartAsync(GrainStorageChoice.Sqlite(meshFile), options.CatalogPath);
        var run = 0;
        Task<double> Raw()
        {
            var batch = Interlocked.Increment(ref run);
            return Throughput.MeasureAsync(options.Clients, options.Window, (c, i) => RawInserts.InsertAsync(connections[c], $"{batch}-{c}-{i}"));
        }

        async Task<IReadOnlyList<byte[]>> SampleAsync()
        {
            var samples = new List<byte[]>();
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={meshFile};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT CAST(payload AS BLOB) FROM grain_state WHERE payload IS NOT NULL ORDER BY random() LIMIT {SampledStates}";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                samples.Add(reader.GetFieldValue<byte[]>(0));
            }

            return samples;
        }

        await CompareAsync("SQLite", options, report, days, silo, Raw, SampleAsync, log);
        foreach (var connection in connections)
        {
            connection.Dispose();
        }
    }

    /// <summary>How many stored mesh states the storage-alone baseline samples.</summary>
    private const int SampledStates = 512;

    /// <summary>Grains per client in the storage-alone baseline, so a client's writes go to different rows as the mesh's do.</summary>
    private const int RewrittenGrainsPerClient = 16;

    /// <summary>
    /// Raw inserts, durable mesh events and the mesh's storage alone (<see cref="StateRewrites"/>, states sampled from the mesh's own
    /// table after its warm-up), interleaved. Reports the ratio the target needs, the mesh's writes per event and their size, and
    /// what the storage alone allows at that many writes per event. Returns the storage counters of the mesh's measured windows.
    /// </summary>
    private static async Task<(long Writes, long Transactions)> CompareAsync(string store, BenchOptions options, BenchReport report, MeshDays days, BenchSilo silo,
        Func<Task<double>> raw, Func<Task<IReadOnlyList<byte[]>>> sampleStoredStates, Action<string> log)
    {
        var target = new EmbeddedTarget(silo);
        var storage = (SqlGrainStorage)((ChaosFilteredGrainStorage)silo.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default)).Inner;
        var accepted = new List<double>();
        long events = 0, writes = 0, transactions = 0, bytes = 0;
        var meshRate = days.EndToEndRate(target, options.Clients, options.Window, accepted, result => events += result.Events);
        async Task<double> Mesh()
        {
            var (w, t, b) = (storage.CommittedWrites, storage.CommittedTransactions, storage.CommittedPayloadBytes);
            var rate = await meshRate();
            (writes, transactions, bytes) = (writes + storage.CommittedWrites - w, transactions + storage.CommittedTransactions - t, bytes + storage.CommittedPayloadBytes - b);
            return rate;
        }

        await raw();
        await meshRate();
        accepted.Clear();
        var rewrites = await StateRewrites.CreateAsync(storage, await sampleStoredStates(), options.Clients, RewrittenGrainsPerClient);
        Task<double> Alone() => Throughput.MeasureAsync(options.Clients, options.Window, rewrites.RewriteAsync);
        await Alone();

        var measured = await Throughput.InterleaveAsync(options.Repetitions, "per s", log,
            ($"{store} raw single-row inserts", raw), ($"{store} durable mesh events", Mesh), ($"{store} state rewrites, storage alone", Alone));
        report.Measurements.AddRange(measured);
        report.Measurements.Add(new Measurement($"{store} mesh publishes accepted while publishing (deliveries behind)", "per s", accepted));
        report.Ratio($"durable mesh events/s on {store} ≥ raw single-row insert rate", measured[0], measured[1], 1.0);
        var perEvent = writes / (double)Math.Max(1, events);
        var ceiling = measured[2].Median / Math.Max(perEvent, double.Epsilon);
        report.Notes.Add($"{store}: the mesh made {perEvent:0.0} state writes per event ({writes:N0} for {events:N0} events) of {bytes / (double)Math.Max(1, writes):N0} bytes on average. " +
            $"The same storage alone rewrote {measured[2].Median:N0} states per second ({options.Clients} clients, {rewrites.AveragePayloadBytes:N0}-byte states sampled from the mesh's table), " +
            $"so at {perEvent:0.0} writes per event it allows at most {ceiling:N0} events per second with nothing of the mesh on top: " +
            $"{ceiling / measured[0].Median:P0} of the raw insert rate; the mesh reached {measured[1].Median / ceiling:P0} of that bound.");
        return (writes, transactions);
    }
}
