using System.Data.Common;

namespace ApexOrleans.Storage;

/// <summary>
/// What one group-commit writer keeps between its batches when its provider asks for it: the open connection and the
/// write statements prepared on it, so each batch skips opening the connection and parsing its statements again. Any
/// failure drops both, and the next batch starts on a fresh connection.
/// </summary>
internal sealed class SqlWriterConnection : IAsyncDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The kept connection, or null before the first batch and after a failure.</summary>
    public DbConnection? Connection { get; private set; }

    /// <summary>Keeps <paramref name="connection"/> for the next batches.</summary>
    public void Keep(DbConnection connection) => Connection = connection;

    /// <summary>
    /// The command for <paramref name="statement"/> on the kept connection. It keeps the parameters of its last write: every
    /// write of one statement sets the same ones, so the next write gives them new values instead of new objects.
    /// </summary>
    public DbCommand Command(string statement)
    {
        var connection = Connection ?? throw new InvalidOperationException("No connection is kept.");
        if (!_commands.TryGetValue(statement, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = statement;
            _commands[statement] = command;
        }

        return command;
    }

    /// <summary>Closes the connection and its commands (after a failure, or when the writer stops).</summary>
    public async ValueTask DropAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        _commands.Clear();
        if (Connection is { } connection)
        {
            Connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DropAsync();
}
