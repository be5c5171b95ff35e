using System.Data.Common;

namespace ApexOrleans.Runtime.Storage;

/// <summary>
/// The ADO.NET storage shared by SQLite and PostgreSQL: one row per (grain type, key, state name) with a
/// version counter as ETag. Every write is a single conditional statement, so a stale ETag changes nothing.
/// The schema is created on first use; subclasses make that safe to run twice and from two processes at once.
/// </summary>
public abstract class SqlGrainStorage(IGrainStateSerializer serializer, TimeProvider timeProvider) : IGrainStorage
{
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>The (possibly schema-qualified) table name, already validated as an identifier.</summary>
    protected abstract string Table { get; }

    /// <summary>Opens a connection to the store.</summary>
    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Creates the table if it is missing; must be idempotent and safe under concurrent callers.</summary>
    protected abstract Task CreateSchemaAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Adds the payload parameter in the store's own column type.</summary>
    protected abstract void AddPayloadParameter(DbCommand command, string? payload);

    /// <summary>Creates the schema now instead of on first use (the silo does this at start to fail fast).</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_schemaReady)
            {
                await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await CreateSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) where T : new()
    {
        await using var connection = await OpenAsync().ConfigureAwait(false);
        StoredState.Load(await ReadRowAsync(connection, stateName, grainId).ConfigureAwait(false), grainState, serializer);
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) where T : new()
    {
        var payload = serializer.Serialize(grainState.State);
        await using var connection = await OpenAsync().ConfigureAwait(false);
        var version = await ReplaceAsync(connection, stateName, grainId, grainState.ETag, payload).ConfigureAwait(false);
        grainState.ETag = new StoredState(version, payload).ETag;
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) where T : new()
    {
        await using var connection = await OpenAsync().ConfigureAwait(false);
        if (grainState.ETag is null && await ReadRowAsync(connection, stateName, grainId).ConfigureAwait(false) is null)
        {
            StoredState.Load(null, grainState, serializer);
            return;
        }

        var version = await ReplaceAsync(connection, stateName, grainId, grainState.ETag, payload: null).ConfigureAwait(false);
        StoredState.Load(new StoredState(version, null), grainState, serializer);
    }

    private async Task<DbConnection> OpenAsync()
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        return await OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<StoredState?> ReadRowAsync(DbConnection connection, string stateName, GrainId grainId)
    {
        await using var command = Command(connection,
            $"SELECT version, payload FROM {Table} WHERE grain_type = @type AND grain_key = @key AND state_name = @state",
            stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false))
        {
            return null;
        }

        return new StoredState(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    /// <summary>Inserts (no ETag) or updates (ETag = stored version) in one statement; returns the new version.</summary>
    private async Task<long> ReplaceAsync(DbConnection connection, string stateName, GrainId grainId, string? etag, string? payload)
    {
        DbCommand command;
        if (etag is null)
        {
            command = Command(connection,
                $"INSERT INTO {Table} (grain_type, grain_key, state_name, version, payload, modified_at) " +
                "VALUES (@type, @key, @state, 1, @payload, @now) ON CONFLICT DO NOTHING RETURNING version",
                stateName, grainId);
        }
        else if (StoredState.TryParseETag(etag, out var expected))
        {
            command = Command(connection,
                $"UPDATE {Table} SET version = version + 1, payload = @payload, modified_at = @now " +
                "WHERE grain_type = @type AND grain_key = @key AND state_name = @state AND version = @expected RETURNING version",
                stateName, grainId);
            AddParameter(command, "@expected", expected);
        }
        else
        {
            throw await ConflictAsync(connection, stateName, grainId, etag).ConfigureAwait(false);
        }

        await using (command)
        {
            AddPayloadParameter(command, payload);
            AddParameter(command, "@now", timeProvider.GetUtcNow());
            if (await command.ExecuteScalarAsync().ConfigureAwait(false) is { } version and not DBNull)
            {
                return Convert.ToInt64(version, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw await ConflictAsync(connection, stateName, grainId, etag).ConfigureAwait(false);
    }

    private async Task<InconsistentStateException> ConflictAsync(DbConnection connection, string stateName, GrainId grainId, string? etag)
    {
        var stored = await ReadRowAsync(connection, stateName, grainId).ConfigureAwait(false);
        return new InconsistentStateException(grainId, stateName, etag, stored?.ETag);
    }

    private static DbCommand Command(DbConnection connection, string sql, string stateName, GrainId grainId)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        AddParameter(command, "@type", grainId.Type);
        AddParameter(command, "@key", grainId.Key);
        AddParameter(command, "@state", stateName);
        return command;
    }

    /// <summary>Adds a named parameter with its value.</summary>
    protected static void AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
