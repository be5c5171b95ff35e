using Microsoft.Data.Sqlite;
using Npgsql;

namespace ApexOrleans.Bench.Baselines;

/// <summary>
/// The storage baseline: single-row <c>INSERT … ON CONFLICT DO NOTHING</c>, one transaction each (autocommit), one
/// connection per client, at the durability the mesh uses (PostgreSQL synchronous_commit=on; SQLite WAL, synchronous=FULL).
/// </summary>
public static class RawInserts
{
    /// <summary>Creates a fresh table in PostgreSQL and returns its name.</summary>
    public static async Task<string> PreparePostgresAsync(NpgsqlDataSource source)
    {
        var table = $"bench_raw_{Guid.NewGuid():N}";
        await using var command = source.CreateCommand($"CREATE TABLE {table} (id text PRIMARY KEY, payload text NOT NULL, at timestamptz NOT NULL)");
        await command.ExecuteNonQueryAsync();
        return table;
    }

    /// <summary>One client's insert loop body for PostgreSQL: opens nothing, reuses its connection.</summary>
    public static async Task InsertAsync(NpgsqlConnection connection, string table, string id)
    {
        await using var command = new NpgsqlCommand($"INSERT INTO {table} (id, payload, at) VALUES (@id, @payload, now()) ON CONFLICT DO NOTHING", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("payload", Payload);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Opens a SQLite connection with the mesh's durability settings and a fresh table.</summary>
    public static async Task<SqliteConnection> OpenSqliteAsync(string file, bool create)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // The same log settings as the mesh's SQLite storage.
        command.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = {new ApexOrleans.Storage.SqliteGrainStorageOptions().WalAutoCheckpointPages};" +
            (create ? "CREATE TABLE IF NOT EXISTS raw (id TEXT PRIMARY KEY, payload TEXT NOT NULL, at TEXT NOT NULL) WITHOUT ROWID;" : "");
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>One client's insert for SQLite.</summary>
    public static async Task InsertAsync(SqliteConnection connection, string id)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO raw (id, payload, at) VALUES (@id, @payload, datetime('now')) ON CONFLICT DO NOTHING";
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.AddWithValue("@payload", Payload);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A payload of the size of a small event.</summary>
    private const string Payload = "{\"type\":\"payment.received\",\"amount\":81.00,\"currency\":\"USD\",\"customer\":\"c-1001\",\"invoice\":\"inv-0042\"}";
}
