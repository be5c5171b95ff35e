using Npgsql;

namespace ApexOrleans.Storage.AdoNet;

/// <summary>
/// Sets up, idempotently, what Orleans' ADO.NET storage and clustering providers need in a PostgreSQL database: the
/// <c>OrleansQuery</c> rows, the storage table and the membership tables. Safe from many silos at once.
/// </summary>
/// <remarks>
/// The objects go into the first schema of the connection string's <c>Search Path</c> (created if missing), else the
/// server's default (<c>public</c>): the providers name their tables unqualified, so they find them through the same
/// connection string. A database already set up is only read, so a role without DDL rights can start on it.
/// </remarks>
public static class OrleansPostgresSchema
{
    /// <summary>The ADO.NET invariant Orleans resolves to Npgsql (it loads <c>Npgsql.NpgsqlFactory</c> itself, no registration needed).</summary>
    public const string Invariant = "Npgsql";

    // Any fixed number works, as long as every process setting up this schema takes the same one ("APEXORLQ").
    private const long SetupLockKey = 0x4150_4558_4F52_4C51;

    /// <summary>Creates whatever is missing and brings the query rows to this version's text; changes nothing when all is there.</summary>
    public static async Task EnsureAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var schema = TargetSchema(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (await IsCompleteAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // CREATE ... IF NOT EXISTS is not safe against a concurrent creator (it can fail on the catalog's unique index), so
        // setups queue on a transaction-scoped advisory lock; DDL is transactional, so a failed setup leaves nothing half made.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({SetupLockKey})"));
        if (schema is not null)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"CREATE SCHEMA IF NOT EXISTS {schema}"));
        }

        foreach (var statement in OrleansPostgresTables.Statements)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
        }

        foreach (var (key, text) in OrleansQueries.All)
        {
            // A changed text (a newer version of this project) replaces the old one; the same text is left alone.
            var upsert = new NpgsqlBatchCommand(
                "INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ($1, $2) ON CONFLICT (QueryKey) DO UPDATE " +
                "SET QueryText = EXCLUDED.QueryText WHERE OrleansQuery.QueryText IS DISTINCT FROM EXCLUDED.QueryText");
            upsert.Parameters.Add(new NpgsqlParameter { Value = key });
            upsert.Parameters.Add(new NpgsqlParameter { Value = text });
            batch.BatchCommands.Add(upsert);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The schema named first on the connection string's search path (validated, as PostgreSQL folds it), or null.</summary>
    internal static string? TargetSchema(string connectionString)
    {
        var searchPath = new NpgsqlConnectionStringBuilder(connectionString).SearchPath;
        var first = searchPath?.Split(',')[0].Trim();
        return string.IsNullOrEmpty(first) ? null : SqlIdentifier.Require(first, "PostgreSQL schema name (Search Path)").ToLowerInvariant();
    }

    private static async Task<bool> IsCompleteAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var relations = connection.CreateCommand())
        {
            relations.CommandText = "SELECT bool_and(to_regclass(r) IS NOT NULL) FROM unnest($1::text[]) AS r";
            relations.Parameters.Add(new NpgsqlParameter { Value = OrleansPostgresTables.Relations.ToArray() });
            if (await relations.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return false;
            }
        }

        await using var queries = connection.CreateCommand();
        queries.CommandText = "SELECT QueryKey, QueryText FROM OrleansQuery";
        var stored = new Dictionary<string, string>();
        await using var reader = await queries.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stored[reader.GetString(0)] = reader.GetString(1);
        }

        return OrleansQueries.All.All(q => stored.TryGetValue(q.Key, out var text) && text == q.Value);
    }
}
