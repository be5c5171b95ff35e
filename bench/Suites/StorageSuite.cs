using ApexOrleans.Bench.Baselines;
using ApexOrleans.Bench.Harness;
using ApexOrleans.Bench.Workloads;
using ApexOrleans.Storage.Hosting;
using ApexOrleans.TestSupport;
using Npgsql;

namespace ApexOrleans.Bench.Suites;

/// <summary>
/// (b) Durable mesh events against raw single-row inserts at the same client count and durability: on PostgreSQL
/// (synchronous_commit=on) and on SQLite (WAL, synchronous=FULL). A mesh event is a whole business event: claimed,
/// accepted, applied at its source app, fanned out and applied at every target, reactions included; it counts once
/// every delivery it caused is done. A third series, the mesh's storage alone (<see cref="StateRewrites"/>), shows how
/// many events per second that storage allows at the mesh's writes per event.
/// </summary>
public static class StorageSuite
{
    /// <summary>How many stored mesh states the storage-alone series samples (weighted by how often each was written).</summary>
    private const int SampledStates = 512;

    /// <summary>The share of PostgreSQL's raw single-row insert rate the durable mesh must reach (issue 24's revised target).</summary>
    private const double PostgresShareOfRawInserts = 0.33;

    /// <summary>The share of SQLite's raw single-row insert rate the durable mesh must reach.</summary>
    private const double SqliteShareOfRawInserts = 0.66;

    /// <summary>Grains per writer in the storage-alone series, so a writer's writes go to different rows as the mesh's do.</summary>
    private const int RewrittenGrainsPerWriter = 16;

    /// <summary>
    /// Writers of the storage-alone series per bench client: more writes in flight than the mesh's clients alone make, so its
    /// group commits are at least as full as the mesh's (which has deliveries running behind every publish).
    /// </summary>
    private const int RewriteWritersPerClient = 4;

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

        log($"(b) PostgreSQL: raw INSERT … ON CONFLICT DO NOTHING vs durable mesh events vs its storage alone, {options.Clients} clients");
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
            await using var command = source.CreateCommand();
            return await StoredStatesAsync(command, $"\"{schema}\".grain_state");
        }

        await CompareAsync("PostgreSQL", options, report, days, silo, Raw, SampleAsync, log);
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    private static async Task SqliteAsync(BenchOptions options, BenchReport report, MeshDays days, Action<string> log)
    {
        log($"(b) SQLite: raw INSERT … ON CONFLICT DO NOTHING vs durable mesh events vs its storage alone, {options.Clients} clients");
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
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={meshFile};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            return await StoredStatesAsync(command, "grain_state");
        }

        await CompareAsync("SQLite", options, report, days, silo, Raw, SampleAsync, log);
        foreach (var connection in connections)
        {
            connection.Dispose();
        }
    }

    /// <summary>
    /// Stored mesh states, weighted by how often each was written (its version), as the mesh's writes are: a day's app and
    /// queue states are rewritten many times, its keys twice.
    /// </summary>
    private static async Task<IReadOnlyList<byte[]>> StoredStatesAsync(System.Data.Common.DbCommand command, string table)
    {
        command.CommandText = $"SELECT version, payload FROM {table} WHERE payload IS NOT NULL ORDER BY random() LIMIT {SampledStates * 8}";
        var rows = new List<(long Version, byte[] Payload)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        var random = new Random(SampledStates); // seeded: the bench's own choice, not the mesh's
        var total = rows.Sum(r => r.Version);
        var samples = new List<byte[]>(SampledStates);
        for (var i = 0; i < SampledStates; i++)
        {
            var pick = random.NextInt64(total);
            var row = 0;
            while (pick >= rows[row].Version)
            {
                pick -= rows[row].Version;
                row++;
            }

            samples.Add(rows[row].Payload);
        }

        return samples;
    }

    /// <summary>
    /// Raw inserts, durable mesh events and the mesh's storage alone (<see cref="StateRewrites"/>, states sampled from the mesh's
    /// own table after its warm-up), interleaved. Reports the ratio the target needs, the mesh's writes per event, per commit
    /// and their size, the same for the storage alone, and what the storage alone allows at the mesh's writes per event.
    /// </summary>
    private static async Task CompareAsync(string store, BenchOptions options, BenchReport report, MeshDays days, BenchSilo silo,
        Func<Task<double>> raw, Func<Task<IReadOnlyList<byte[]>>> sampleStoredStates, Action<string> log)
    {
        var target = new EmbeddedTarget(silo);
        var storage = silo.SqlStorage!;
        var accepted = new List<double>();
        long events = 0;
        var meshRate = days.EndToEndRate(target, options.Clients, options.Window, accepted, result => events += result.Events);
        var meshWrites = new StorageTally(storage);
        var aloneWrites = new StorageTally(storage);
        Task<double> Mesh() => meshWrites.CountAsync(meshRate);

        await raw();
        await meshRate(); // warm-up: its writes are outside the tally, and its events and accepted rate are dropped here
        accepted.Clear();
        events = 0;
        var writers = options.Clients * RewriteWritersPerClient;
        var rewrites = await StateRewrites.CreateAsync(storage, await sampleStoredStates(), writers, RewrittenGrainsPerWriter);
        Task<double> AloneOnce() => Throughput.MeasureAsync(writers, options.Window, rewrites.RewriteAsync);
        Task<double> Alone() => aloneWrites.CountAsync(AloneOnce);
        await AloneOnce();

        var measured = await Throughput.InterleaveAsync(options.Repetitions, "per s", log,
            ($"{store} raw single-row inserts", raw), ($"{store} durable mesh events", Mesh), ($"{store} state rewrites, storage alone", Alone));
        report.Measurements.AddRange(measured);
        report.Measurements.Add(new Measurement($"{store} mesh publishes accepted while publishing (deliveries behind)", "per s", accepted));
        var share = store == "PostgreSQL" ? PostgresShareOfRawInserts : SqliteShareOfRawInserts;
        report.Ratio($"durable mesh events/s on {store} ≥ {share:P0} of raw single-row inserts", measured[0], measured[1], share);
        var perEvent = meshWrites.Writes / (double)Math.Max(1, events);
        // The design's targets are counted under chaos (VirtualDaySuite); these windows have none, and say what they wrote.
        report.Notes.Add($"{store} throughput series, without chaos on the silo's clock: {meshWrites.Writes:N0} writes for {events:N0} events, " +
            $"{perEvent:0.00} writes per event, {meshWrites.AverageBytes:N0} bytes each.");
        report.Notes.Add($"{store} writes by grain type, per event: {meshWrites.ByGrainTypePerEvent(events)}.");
        var bound = measured[2].Median / Math.Max(perEvent, double.Epsilon);
        report.Notes.Add($"{store} group commit: the mesh's measured windows made {meshWrites.Writes:N0} state writes in {meshWrites.Transactions:N0} transactions " +
            $"({meshWrites.PerCommit:0.0} per commit, {meshWrites.AverageBytes:N0} bytes on average) for {events:N0} events: {perEvent:0.0} writes per event. " +
            $"The storage alone ({writers} writers, states sampled from the mesh's table by how often each was written) wrote {aloneWrites.PerCommit:0.0} per commit, " +
            $"{aloneWrites.AverageBytes:N0} bytes on average.");
        report.Notes.Add($"{store} bound: at {perEvent:0.0} writes per event, the {measured[2].Median:N0} state rewrites per second of the storage alone allow about " +
            $"{bound:N0} events per second with nothing of the mesh on top ({bound / measured[0].Median:P0} of the raw insert rate); the mesh reached " +
            $"{measured[1].Median / bound:P0} of that. Its states are larger than the mesh's writes on average ({aloneWrites.AverageBytes:N0} against " +
            $"{meshWrites.AverageBytes:N0} bytes: the stored rows are each grain's last state, its largest), but it rewrites rows already in the store's cache and " +
            "reads nothing, while the mesh also inserts new rows and reads the states of the grains it activates.");
    }
}
