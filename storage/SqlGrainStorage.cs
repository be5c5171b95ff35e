using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;
using Orleans.Storage;

namespace ApexOrleans.Storage;

/// <summary>
/// The ADO.NET storage shared by SQLite and PostgreSQL: one row per (grain type, key, state name) with a
/// version counter as ETag. Every write is a single conditional statement, so a stale ETag changes nothing.
/// Writes are group-committed (<see cref="WriteBatchingOptions"/>): those waiting at the same moment go in one
/// transaction, and each caller is answered after it commits. The schema is created on first use; subclasses
/// make that safe to run twice and from two processes at once.
/// </summary>
/// <remarks>
/// Longer than ~300 lines on purpose: the group-commit writer, the conditional statements and the reads share one
/// connection and one batch discipline, and splitting them would hand that state around; each dialect's SQL lives
/// in its subclass.
/// </remarks>
public abstract class SqlGrainStorage : IGrainStorage, IAsyncDisposable, IDisposable
{
    private readonly IGrainStorageSerializer _serializer;
    private readonly TimeProvider _timeProvider;
    private readonly WriteBatchingOptions _batching;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private readonly Channel<PendingWrite> _pending = Channel.CreateUnbounded<PendingWrite>();
    private readonly Lock _writersGate = new();
    private Task[]? _writers;
    private volatile bool _schemaReady;
    private long _transactions;
    private long _writes;
    private long _payloadBytes;
    private readonly ConcurrentDictionary<string, CommittedWrites> _byGrainType = new(StringComparer.Ordinal);
    private string? _insertStatement;
    private string? _updateStatement;
    private string? _insertReturning;
    private string? _updateReturning;

    /// <summary>Creates the storage; <paramref name="timeProvider"/> stamps <c>modified_at</c> (null: the system clock).</summary>
    protected SqlGrainStorage(IGrainStorageSerializer serializer, TimeProvider? timeProvider, WriteBatchingOptions batching)
    {
        batching.Validate();
        _serializer = serializer;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _batching = batching;
    }

    /// <summary>The (possibly schema-qualified) table name, already validated as an identifier.</summary>
    protected abstract string Table { get; }

    /// <summary>Opens a connection to the store.</summary>
    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Creates the table if it is missing; must be idempotent and safe under concurrent callers.</summary>
    protected abstract Task CreateSchemaAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The payload parameter (named <see cref="PayloadName"/>) in the store's own column type.</summary>
    protected abstract DbParameter PayloadParameter(byte[]? payload);

    /// <summary>The name <see cref="PayloadParameter"/> gives its parameter.</summary>
    protected const string PayloadName = "@payload";

    /// <summary>How a statement stores the <see cref="PayloadName"/> parameter in the payload column (a provider may convert it there).</summary>
    protected virtual string PayloadValue => PayloadName;

    /// <summary>Write transactions committed so far (with <see cref="CommittedWrites"/>: how well writes are grouped).</summary>
    public long CommittedTransactions => Interlocked.Read(ref _transactions);

    /// <summary>Writes committed so far.</summary>
    public long CommittedWrites => Interlocked.Read(ref _writes);

    /// <summary>Bytes of state payload those writes stored (with <see cref="CommittedWrites"/>: the size of a write).</summary>
    public long CommittedPayloadBytes => Interlocked.Read(ref _payloadBytes);

    /// <summary>Writes and payload bytes committed so far, by grain type: where a workload's writes go.</summary>
    public IReadOnlyDictionary<string, CommittedWrites> CommittedByGrainType =>
        _byGrainType.ToDictionary(t => t.Key, t => new CommittedWrites(t.Value.Writes, t.Value.Bytes), StringComparer.Ordinal);

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
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await OpenAsync().ConfigureAwait(false);
        StoredState.Load(await ReadRowAsync(connection, stateName, grainId).ConfigureAwait(false), grainState, _serializer);
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = StoredState.Serialize(_serializer, grainState.State);
        var version = await ReplaceAsync(stateName, grainId, grainState.ETag, payload).ConfigureAwait(false);
        grainState.ETag = new StoredState(version, payload).ETag;
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is null)
        {
            await using var connection = await OpenAsync().ConfigureAwait(false);
            if (await ReadRowAsync(connection, stateName, grainId).ConfigureAwait(false) is null)
            {
                StoredState.Load(null, grainState, _serializer);
                return;
            }
        }

        var version = await ReplaceAsync(stateName, grainId, grainState.ETag, payload: null).ConfigureAwait(false);
        StoredState.Load(new StoredState(version, null), grainState, _serializer);
    }

    /// <summary>Stops the writers once the writes already handed to them are committed.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        Task[]? writers;
        lock (_writersGate)
        {
            writers = _writers;
        }

        if (writers is not null)
        {
            await Task.WhenAll(writers).ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// <see cref="DisposeAsync"/>, waited for: a host disposed synchronously disposes its singletons this way, and a
    /// service that only had <see cref="IAsyncDisposable"/> would make that throw.
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<DbConnection> OpenAsync()
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        return await OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<StoredState?> ReadRowAsync(DbConnection connection, string stateName, GrainId grainId)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT version, payload FROM {Table} WHERE grain_type = @type AND grain_key = @key AND state_name = @state";
        AddKey(command.Parameters, command.CreateParameter, stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false))
        {
            return null;
        }

        return new StoredState(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1));
    }

    /// <summary>A write waiting for its group commit.</summary>
    private sealed record PendingWrite(string StateName, GrainId GrainId, string? ETag, long? Expected, byte[]? Payload)
    {
        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Inserts (no ETag) or updates (ETag = stored version) through the group commit; returns the new version.</summary>
    private async Task<long> ReplaceAsync(string stateName, GrainId grainId, string? etag, byte[]? payload)
    {
        long? expected = null;
        if (etag is not null)
        {
            if (!StoredState.TryParseETag(etag, out var parsed))
            {
                await using var connection = await OpenAsync().ConfigureAwait(false);
                throw await ConflictAsync(connection, stateName, grainId, etag).ConfigureAwait(false);
            }

            expected = parsed;
        }

        await EnsureSchemaAsync().ConfigureAwait(false);
        StartWriters();
        var write = new PendingWrite(stateName, grainId, etag, expected, payload);
        if (!_pending.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(GetType().Name, "The grain storage is shut down.");
        }

        return await write.Done.Task.ConfigureAwait(false);
    }

    private void StartWriters()
    {
        if (Volatile.Read(ref _writers) is not null)
        {
            return;
        }

        lock (_writersGate)
        {
            if (_writers is null)
            {
                // The writers outlive the grain turn that starts them: they must not carry its ExecutionContext.
                using (ExecutionContext.SuppressFlow())
                {
                    _writers = Enumerable.Range(0, _batching.MaxConcurrentBatches).Select(_ => Task.Run(WriteLoopAsync)).ToArray();
                    OnWritersStarted();
                }
            }
        }
    }

    /// <summary>
    /// Called once, when the first write starts the writers (the schema exists by then), without the caller's
    /// ExecutionContext: for a provider's own background work. It runs under the writers' lock, so it must start that
    /// work and return, and must not throw (the write that called it would fail, and it is not called again).
    /// </summary>
    protected virtual void OnWritersStarted()
    {
    }

    private async Task WriteLoopAsync()
    {
        var reader = _pending.Reader;
        var batch = new List<PendingWrite>(_batching.MaxBatchSize);
        await using var writer = new SqlWriterConnection();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _batching.MaxBatchSize && reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch, writer).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Commits a batch and answers each write; a write whose ETag did not match gets the conflict with the stored ETag.
    /// A statement the store refused (not a transient or connection failure) is isolated by trying each write on its
    /// own, so one bad write cannot fail the others. Any other failure fails the whole batch at once with the store's
    /// own error, and a commit whose outcome is unknown is never retried: its callers get the error, not a conflict.
    /// </summary>
    private async Task CommitAsync(List<PendingWrite> batch, SqlWriterConnection writer)
    {
        long?[] versions;
        try
        {
            versions = await ExecuteAsync(batch, writer).ConfigureAwait(false);
        }
        catch (DbException e) when (batch.Count > 1 && !e.IsTransient)
        {
            foreach (var write in batch)
            {
                await CommitAsync([write], writer).ConfigureAwait(false);
            }

            return;
        }
        catch (Exception e)
        {
            var error = e is CommitOutcomeUnknown unknown ? unknown.InnerException! : e;
            foreach (var write in batch)
            {
                write.Done.TrySetException(error);
            }

            return;
        }

        var stale = new List<PendingWrite>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (versions[i] is { } version)
            {
                batch[i].Done.TrySetResult(version);
            }
            else
            {
                stale.Add(batch[i]);
            }
        }

        foreach (var write in stale)
        {
            try
            {
                await using var connection = await OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
                write.Done.TrySetException(await ConflictAsync(connection, write.StateName, write.GrainId, write.ETag).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                write.Done.TrySetException(e);
            }
        }
    }

    /// <summary>The commit itself failed: the transaction may or may not have been stored.</summary>
    private sealed class CommitOutcomeUnknown(Exception inner) : Exception("The commit failed; its outcome is unknown.", inner);

    /// <summary>
    /// Whether one driver batch run outside a transaction is a transaction of its own: committed once its last result is
    /// read, rolled back whole if any statement fails. Such a batch needs no BEGIN and COMMIT round trips.
    /// </summary>
    protected virtual bool BatchIsOneTransaction => false;

    /// <summary>Whether a failure of a batch that is its own transaction proves it was rolled back (the store refused a statement), so its outcome is known.</summary>
    protected virtual bool ProvesRollback(Exception failure) => false;

    /// <summary>
    /// Whether each writer keeps its connection, and the write statements prepared on it, from batch to batch (for a store
    /// whose connections are costly to open or whose statements are parsed anew on every command).
    /// </summary>
    protected virtual bool WritersKeepConnections => false;

    /// <summary>Runs the batch on the writer's kept connection or a pooled one; a failure drops the kept one.</summary>
    private async Task<long?[]> ExecuteAsync(List<PendingWrite> batch, SqlWriterConnection writer)
    {
        if (!WritersKeepConnections)
        {
            await using var pooled = await OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            return await ExecuteAsync(batch, pooled, writer: null).ConfigureAwait(false);
        }

        try
        {
            if (writer.Connection is null)
            {
                writer.Keep(await OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false));
            }

            return await ExecuteAsync(batch, writer.Connection!, writer).ConfigureAwait(false);
        }
        catch
        {
            await writer.DropAsync().ConfigureAwait(false); // its transaction state is unknown: never reuse it
            throw;
        }
    }

    /// <summary>Runs the batch's statements in one transaction (one round trip where the driver batches); null marks a stale ETag.</summary>
    private async Task<long?[]> ExecuteAsync(List<PendingWrite> batch, DbConnection connection, SqlWriterConnection? writer)
    {
        var now = _timeProvider.GetUtcNow();
        long?[] versions;
        if (connection.CanCreateBatch && BatchIsOneTransaction)
        {
            try
            {
                versions = await ExecuteBatchAsync(connection, transaction: null, batch, now).ConfigureAwait(false);
            }
            catch (Exception e) when (!ProvesRollback(e))
            {
                throw new CommitOutcomeUnknown(e);
            }
        }
        else
        {
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            versions = connection.CanCreateBatch
                ? await ExecuteBatchAsync(connection, transaction, batch, now).ConfigureAwait(false)
                : await ExecuteEachAsync(connection, transaction, batch, now, writer).ConfigureAwait(false);
            try
            {
                await transaction.CommitAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                throw new CommitOutcomeUnknown(e);
            }
        }

        var (written, bytes) = (0, 0L);
        for (var i = 0; i < batch.Count; i++)
        {
            if (versions[i] is not null)
            {
                written++;
                bytes += batch[i].Payload?.Length ?? 0;
                _byGrainType.GetOrAdd(batch[i].GrainId.Type.ToString()!, _ => new CommittedWrites(0, 0)).Add(batch[i].Payload?.Length ?? 0);
            }
        }

        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _writes, written);
        Interlocked.Add(ref _payloadBytes, bytes);
        return versions;
    }

    /// <summary>Every write as one driver batch; the reader is read to its end, so a batch that is its own transaction has committed on return.</summary>
    private async Task<long?[]> ExecuteBatchAsync(DbConnection connection, DbTransaction? transaction, List<PendingWrite> batch, DateTimeOffset now)
    {
        var versions = new long?[batch.Count];
        await using var commands = connection.CreateBatch();
        commands.Transaction = transaction;
        foreach (var write in batch)
        {
            var command = commands.CreateBatchCommand();
            command.CommandText = ReturningStatement(write);
            AddWrite(command.Parameters, command.CreateParameter, write, now);
            commands.BatchCommands.Add(command);
        }

        await using var reader = await commands.ExecuteReaderAsync().ConfigureAwait(false);
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0)
            {
                await reader.NextResultAsync().ConfigureAwait(false);
            }

            versions[i] = await reader.ReadAsync().ConfigureAwait(false) ? reader.GetInt64(0) : null;
        }

        while (await reader.NextResultAsync().ConfigureAwait(false))
        {
            // Nothing more is expected: reading to the end surfaces an error of the commit itself.
        }

        await reader.CloseAsync().ConfigureAwait(false);
        return versions;
    }

    /// <summary>Every write as its own statement, for drivers without batches; on a kept connection the statements stay prepared.</summary>
    private async Task<long?[]> ExecuteEachAsync(DbConnection connection, DbTransaction transaction, List<PendingWrite> batch, DateTimeOffset now, SqlWriterConnection? writer)
    {
        var versions = new long?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var statement = Statement(batch[i]);
            var command = writer?.Command(statement) ?? connection.CreateCommand();
            try
            {
                command.Transaction = transaction;
                command.CommandText = statement; // a kept command has this text already, and keeps its prepared statement
                AddWrite(command.Parameters, command.CreateParameter, batch[i], now);
                // One row changed: the insert made version 1, or the update bumped the expected version. None: a stale ETag.
                versions[i] = await command.ExecuteNonQueryAsync().ConfigureAwait(false) == 1 ? (batch[i].Expected ?? 0) + 1 : null;
            }
            finally
            {
                if (writer is null)
                {
                    await command.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        return versions;
    }

    /// <summary>
    /// The write's statement: one of two texts, built once (the table and payload value are the provider's, fixed once it is
    /// constructed). It changes one row or, for a stale ETag, none; the new version follows from which.
    /// </summary>
    private string Statement(PendingWrite write) => write.Expected is null
        ? _insertStatement ??= $"INSERT INTO {Table} (grain_type, grain_key, state_name, version, payload, modified_at) " +
          $"VALUES (@type, @key, @state, 1, {PayloadValue}, @now) ON CONFLICT DO NOTHING"
        : _updateStatement ??= $"UPDATE {Table} SET version = version + 1, payload = {PayloadValue}, modified_at = @now " +
          "WHERE grain_type = @type AND grain_key = @key AND state_name = @state AND version = @expected";

    /// <summary>The statement answering with the new version, for driver batches, whose statements' results are read one by one.</summary>
    private string ReturningStatement(PendingWrite write) => write.Expected is null
        ? _insertReturning ??= Statement(write) + " RETURNING version"
        : _updateReturning ??= Statement(write) + " RETURNING version";

    /// <summary>Sets the write's parameters: on a kept command the ones its last write added get new values, elsewhere they are added.</summary>
    private void AddWrite(DbParameterCollection parameters, Func<DbParameter> create, PendingWrite write, DateTimeOffset now)
    {
        AddKey(parameters, create, write.StateName, write.GrainId);
        if (parameters.IndexOf(PayloadName) is var payload and >= 0)
        {
            parameters[payload].Value = (object?)write.Payload ?? DBNull.Value;
        }
        else
        {
            parameters.Add(PayloadParameter(write.Payload));
        }

        Add(parameters, create, "@now", now);
        if (write.Expected is { } expected)
        {
            Add(parameters, create, "@expected", expected);
        }
    }

    private async Task<InconsistentStateException> ConflictAsync(DbConnection connection, string stateName, GrainId grainId, string? etag)
    {
        var stored = await ReadRowAsync(connection, stateName, grainId).ConfigureAwait(false);
        return EtagConflict.Of(grainId, stateName, etag, stored?.ETag);
    }

    private static void AddKey(DbParameterCollection parameters, Func<DbParameter> create, string stateName, GrainId grainId)
    {
        // The columns keep the grain type and key as text, so an Orleans GrainId maps onto the rows the table always had.
        Add(parameters, create, "@type", grainId.Type.ToString());
        Add(parameters, create, "@key", grainId.Key.ToString());
        Add(parameters, create, "@state", stateName);
    }

    private static void Add(DbParameterCollection parameters, Func<DbParameter> create, string name, object? value)
    {
        if (parameters.IndexOf(name) is var index and >= 0)
        {
            parameters[index].Value = value ?? DBNull.Value;
            return;
        }

        var parameter = create();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        parameters.Add(parameter);
    }
}
