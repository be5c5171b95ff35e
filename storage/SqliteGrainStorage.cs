using System.Data.Common;
using Microsoft.Data.Sqlite;

using Orleans.Storage;

namespace ApexOrleans.Storage;

/// <summary>
/// Grain state in a SQLite file: the embedded default. WAL journal with synchronous=FULL, so an
/// acknowledged write survives a process kill and a power cut.
/// </summary>
public sealed class SqliteGrainStorage : SqlGrainStorage
{
    private readonly string _connectionString;
    private readonly int _walAutoCheckpointPages;
    private readonly SqliteWalCheckpointer? _checkpointer;

    /// <summary>Creates the provider; the file and table are created on first use. <paramref name="timeProvider"/> is the storage's clock (null: the system clock).</summary>
    public SqliteGrainStorage(SqliteGrainStorageOptions options, IGrainStorageSerializer serializer, TimeProvider? timeProvider = null)
        : base(serializer, timeProvider, options.Batching)
    {
        Table = SqlIdentifier.Require(options.TableName, "SQLite table name");
        options.Validate();
        _walAutoCheckpointPages = options.WalAutoCheckpointPages;
        var path = Path.GetFullPath(options.DataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
        if (options.BackgroundCheckpointInterval > TimeSpan.Zero)
        {
            _checkpointer = new SqliteWalCheckpointer(OpenConnectionAsync, () => CommittedTransactions, options.BackgroundCheckpointInterval, timeProvider ?? TimeProvider.System);
        }
    }

    /// <inheritdoc />
    protected override string Table { get; }

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Per-connection settings: FULL syncs the WAL on every commit (NORMAL could lose the last commits on power loss).
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = {_walAutoCheckpointPages}";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false); // a connection that failed its settings is never handed out
            throw;
        }
    }

    /// <inheritdoc />
    protected override async Task CreateSchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // Both statements are idempotent; SQLite's file lock serialises two processes creating it at once,
        // and the connection's busy timeout makes the second one wait instead of failing. A rowid table, not
        // WITHOUT ROWID: states are kilobytes, and SQLite keeps rows that large far cheaper in a rowid table (its
        // single writer spent a quarter more time per mesh event on the clustered layout). Files made before keep theirs.
        await using var command = connection.CreateCommand();
        command.CommandText =
            "PRAGMA journal_mode = WAL;" +
            $"CREATE TABLE IF NOT EXISTS {Table} (" +
            "grain_type TEXT NOT NULL, grain_key TEXT NOT NULL, state_name TEXT NOT NULL, " +
            "version INTEGER NOT NULL, payload TEXT NULL, modified_at TEXT NOT NULL, " +
            "PRIMARY KEY (grain_type, grain_key, state_name));";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The one writer keeps its connection: its statements stay compiled, the pragmas run once, and its page cache stays
    /// valid from commit to commit, since no other connection writes the file.
    /// </remarks>
    protected override bool WritersKeepConnections => true;

    /// <inheritdoc />
    /// <remarks>The background checkpoints start with the writers: a storage that is only read has no log to copy.</remarks>
    protected override void OnWritersStarted() => _checkpointer?.Start();

    /// <inheritdoc />
    /// <remarks>The background checkpoints stop after the writers have committed what they were handed.</remarks>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        if (_checkpointer is not null)
        {
            await _checkpointer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override DbParameter PayloadParameter(byte[]? payload) => new SqliteParameter(PayloadName, SqliteType.Blob) { Value = (object?)payload ?? DBNull.Value };

    /// <inheritdoc />
    /// <remarks>The serializer's UTF-8 bytes are bound as a blob (no transcoding) and stored as the text they are.</remarks>
    protected override string PayloadValue => $"CAST({PayloadName} AS TEXT)";
}
