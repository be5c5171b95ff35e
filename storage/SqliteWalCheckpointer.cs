using System.Data.Common;

namespace ApexOrleans.Storage;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file on a connection of its own, every interval on the
/// storage's clock, so the writer's automatic checkpoint finds most of the log already copied and synced. That
/// checkpoint runs inside the commit that crosses the threshold, and the single writer cannot start the next batch
/// until it is done: copying and syncing the whole log there holds every write behind it (figures in docs/performance.md).
/// </summary>
/// <remarks>
/// A passive checkpoint takes no lock a commit waits for (it competes only for the disk, with two syncs per pass that
/// had work). It stops at the end of the log as it was when it began, and a writer is nearly always appending, so it
/// seldom leaves the log fully copied; the log restarts only after a checkpoint that copied all of it. That is why the
/// writer's automatic checkpoint stays on: it runs where no other commit can land, and now has little left to copy.
/// </remarks>
internal sealed class SqliteWalCheckpointer(
    Func<CancellationToken, ValueTask<DbConnection>> openConnection, Func<long> committedTransactions, TimeSpan interval, TimeProvider timeProvider)
    : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _passes;
    private bool _disposed;

    /// <summary>Starts the passes, once; they run until <see cref="DisposeAsync"/>. Does nothing after that.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_passes is not null || _disposed)
            {
                return;
            }

            // Called from OnWritersStarted, which runs without the first write's ExecutionContext: the passes carry none.
            _passes = Task.Run(RunAsync);
        }
    }

    /// <summary>Stops the passes, waiting for one in progress; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? passes;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            passes = _passes;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (passes is not null)
        {
            await passes.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        DbConnection? connection = null;
        var checkpointedAfter = -1L;
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                var committed = committedTransactions();
                if (committed == checkpointedAfter)
                {
                    continue; // nothing was written since the last pass: an idle storage does no work
                }

                try
                {
                    connection ??= await openConnection(_stopping.Token).ConfigureAwait(false);
                    await using var checkpoint = connection.CreateCommand();
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    await checkpoint.ExecuteNonQueryAsync(_stopping.Token).ConfigureAwait(false);
                    checkpointedAfter = committed;
                }
                catch (Exception e) when (e is not OperationCanceledException || !_stopping.IsCancellationRequested)
                {
                    // A missed pass costs nothing but time: the writer's own checkpoint still copies what is left. The
                    // connection is opened again for the next pass, in case the failure was the connection's.
                    await DropAsync(connection).ConfigureAwait(false);
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            await DropAsync(connection).ConfigureAwait(false);
        }
    }

    private static async ValueTask DropAsync(DbConnection? connection)
    {
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
