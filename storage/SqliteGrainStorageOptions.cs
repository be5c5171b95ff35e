namespace ApexOrleans.Storage;

/// <summary>Options of <see cref="SqliteGrainStorage"/>.</summary>
public sealed class SqliteGrainStorageOptions
{
    /// <summary>Path of the database file; created with its folder if missing.</summary>
    public string DataSource { get; set; } = "apex.db";

    /// <summary>The table grain state is kept in.</summary>
    public string TableName { get; set; } = "grain_state";

    /// <summary>How long a statement waits for a lock held by another connection or process.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// WAL pages after which a commit copies the log back into the database (SQLite's default is 1,000). Grain rows are
    /// rewritten again and again, so a longer log copies each hot page once for many commits instead of once for a few;
    /// durability is unchanged (every commit is synced to the log).
    /// </summary>
    public int WalAutoCheckpointPages { get; set; } = 8_000;

    /// <summary>
    /// How often a connection of its own copies the log back into the database file, so the writer's automatic checkpoint
    /// (which holds every write behind it) has little left to copy and sync; <see cref="TimeSpan.Zero"/> turns it off.
    /// Measured on the storage's clock.
    /// </summary>
    public TimeSpan BackgroundCheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Group commit; SQLite has one writer at a time, so one transaction commits at a time.</summary>
    public WriteBatchingOptions Batching { get; set; } = new() { MaxConcurrentBatches = 1 };

    /// <summary>Refuses settings that cannot work (the batching is checked by the storage it configures).</summary>
    public void Validate()
    {
        if (WalAutoCheckpointPages < 1)
        {
            throw new ArgumentException("SQLite's WalAutoCheckpointPages must be at least 1.");
        }

        if (BackgroundCheckpointInterval != TimeSpan.Zero
            && (BackgroundCheckpointInterval < TimeSpan.FromMilliseconds(1) || BackgroundCheckpointInterval > TimeSpan.FromHours(1)))
        {
            throw new ArgumentException("SQLite's BackgroundCheckpointInterval must be zero (off) or from 1 ms to 1 hour.");
        }
    }
}
