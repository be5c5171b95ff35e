using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

using Orleans.Storage;

namespace ApexOrleans.Storage;

/// <summary>
/// Grain state in PostgreSQL: the server choice. The payload column is <c>json</c>, not <c>jsonb</c>: json keeps
/// the serializer's text exactly (jsonb reorders keys, which breaks polymorphic metadata, and refuses \u0000),
/// and operators can still query it with the json operators.
/// </summary>
public sealed class PostgresGrainStorage : SqlGrainStorage
{
    // Any fixed number works: every ApexOrleans process takes this advisory lock while it creates the schema.
    private const long SchemaLockKey = 0x4150_4558_4752_4E53; // "APEXGRNS"

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;

    /// <summary>Creates the provider; the schema and table are created on first use. <paramref name="timeProvider"/> is the storage's clock (null: the system clock).</summary>
    public PostgresGrainStorage(PostgresGrainStorageOptions options, IGrainStorageSerializer serializer, TimeProvider? timeProvider = null)
        : base(serializer, timeProvider, options.Batching)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("PostgreSQL grain storage needs a connection string.", nameof(options));
        }

        _schema = SqlIdentifier.Require(options.Schema, "PostgreSQL schema name");
        Table = $"\"{_schema}\".\"{SqlIdentifier.Require(options.TableName, "PostgreSQL table name")}\"";
        var builder = new NpgsqlDataSourceBuilder(ConnectionSettings(options.ConnectionString, options.PreparedStatements).ConnectionString);
        _dataSource = builder.Build();
    }

    /// <inheritdoc />
    protected override string Table { get; }

    /// <summary>The connection string as the storage uses it: what it sets itself, unless the given string sets it.</summary>
    internal static NpgsqlConnectionStringBuilder ConnectionSettings(string connectionString, int preparedStatements)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (settings.MaxAutoPrepare == 0)
        {
            // The same few statements run for every write: prepared, the server skips parsing and planning them.
            settings.MaxAutoPrepare = preparedStatements;
        }

        // Npgsql's builder answers ContainsKey for every keyword it knows, so what was given is read from the string itself.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            // The storage sets no session state, so a pooled connection needs no reset (a statement parsed on every reuse).
            settings.NoResetOnClose = true;
        }

        return settings;
    }

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task CreateSchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // A role without DDL rights must still start once the table exists: look before creating.
        await using (var exists = connection.CreateCommand())
        {
            exists.CommandText = $"SELECT to_regclass('{Table.Replace("'", "''", StringComparison.Ordinal)}') IS NOT NULL";
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return;
            }
        }

        // CREATE ... IF NOT EXISTS is not safe against a concurrent creator in PostgreSQL (it can fail on the
        // catalog's unique index), so creators queue on a transaction-scoped advisory lock.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            $"SELECT pg_advisory_xact_lock({SchemaLockKey});" +
            $"CREATE SCHEMA IF NOT EXISTS \"{_schema}\";" +
            $"CREATE TABLE IF NOT EXISTS {Table} (" +
            "grain_type text NOT NULL, grain_key text NOT NULL, state_name text NOT NULL, " +
            "version bigint NOT NULL, payload json NULL, modified_at timestamptz NOT NULL, " +
            // Every write updates a row in place: free room in each page lets PostgreSQL keep the new version on the same
            // page (a HOT update), which skips the primary key index. Tables made before keep their fill factor.
            "PRIMARY KEY (grain_type, grain_key, state_name)) WITH (fillfactor = 70);";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        await PreferLz4Async(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// States are rewritten whole on every change, and pglz compressing each large copy was the server's biggest CPU
    /// cost under load; lz4 is several times cheaper. Servers before 14, or built without lz4, keep the default.
    /// </summary>
    private async Task PreferLz4Async(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"ALTER TABLE {Table} ALTER COLUMN payload SET COMPRESSION lz4";
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.FeatureNotSupported or PostgresErrorCodes.SyntaxError or PostgresErrorCodes.InvalidParameterValue)
        {
            // An older or lz4-less server: pglz it is.
        }
    }

    /// <inheritdoc />
    /// <remarks>Npgsql sends a batch outside a transaction with one Sync: PostgreSQL runs it as one implicit transaction.</remarks>
    protected override bool BatchIsOneTransaction => true;

    /// <inheritdoc />
    /// <remarks>
    /// An ERROR ends the implicit transaction in a rollback; a FATAL or PANIC may come after the commit (the server going away
    /// before it answered), so its outcome is unknown, as is any failure of the connection itself.
    /// </remarks>
    protected override bool ProvesRollback(Exception failure) => failure is PostgresException { InvariantSeverity: "ERROR" };

    /// <inheritdoc />
    protected override DbParameter PayloadParameter(byte[]? payload) =>
        new NpgsqlParameter(PayloadName, NpgsqlDbType.Json) { Value = (object?)payload ?? DBNull.Value };

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
