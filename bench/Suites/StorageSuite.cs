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
        var target = new EmbeddedTarget(silo);
        var run = 0;
        Task<double> Raw()
        {
            var batch = Interlocked.Increment(ref run);
            return Throughput.MeasureAsync(options.Clients, options.Window, (c, i) => RawInserts.InsertAsync(connections[c], table, $"{batch}-{c}-{i}"));
        }

        var accepted = new List<double>();
        var meshRate = days.EndToEndRate(target, options.Clients, options.Window, accepted);

        await Raw();
        await meshRate();
        accepted.Clear();
        var storage = (SqlGrainStorage)((ChaosFilteredGrainStorage)silo.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default)).Inner;
        var (writes, transactions) = (storage.CommittedWrites, storage.CommittedTransactions);
        var (raw, mesh) = await Throughput.PairAsync(options.Repetitions, "PostgreSQL raw single-row inserts", Raw, "PostgreSQL durable mesh events", meshRate, "per s", log);
        report.Measurements.Add(raw);
        report.Measurements.Add(mesh);
        report.Measurements.Add(new Measurement("PostgreSQL mesh publishes accepted while publishing (deliveries behind)", "per s", accepted));
        report.Ratio("durable mesh events/s on PostgreSQL ≥ raw single-row insert rate", raw, mesh, 1.0);
        report.Notes.Add($"PostgreSQL group commit in the measured runs: {storage.CommittedWrites - writes:N0} state writes in {storage.CommittedTransactions - transactions:N0} transactions " +
            $"({(storage.CommittedWrites - writes) / (double)Math.Max(1, storage.CommittedTransactions - transactions):0.0} writes per commit).");
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

        await using var silo = await BenchSilo.StartAsync(GrainStorageChoice.Sqlite(folder.File("mesh.db")), options.CatalogPath);
        var target = new EmbeddedTarget(silo);
        var run = 0;
        Task<double> Raw()
        {
            var batch = Interlocked.Increment(ref run);
            return Throughput.MeasureAsync(options.Clients, options.Window, (c, i) => RawInserts.InsertAsync(connections[c], $"{batch}-{c}-{i}"));
        }

        var accepted = new List<double>();
        var meshRate = days.EndToEndRate(target, options.Clients, options.Window, accepted);

        await Raw();
        await meshRate();
        accepted.Clear();
        var (raw, mesh) = await Throughput.PairAsync(options.Repetitions, "SQLite raw single-row inserts", Raw, "SQLite durable mesh events", meshRate, "per s", log);
        report.Measurements.Add(raw);
        report.Measurements.Add(mesh);
        report.Measurements.Add(new Measurement("SQLite mesh publishes accepted while publishing (deliveries behind)", "per s", accepted));
        report.Ratio("durable mesh events/s on SQLite ≥ raw single-row insert rate", raw, mesh, 1.0);
        foreach (var connection in connections)
        {
            connection.Dispose();
        }
    }
}
