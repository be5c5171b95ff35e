namespace ApexOrleans.Grains.Persistence;

/// <summary>How a journaled grain state (<see cref="StateJournal{TState, TEntry}"/>) is snapshotted and read back.</summary>
public sealed class StateJournalOptions
{
    /// <summary>Entries written after which the whole state is written once as a snapshot, so an activation replays at most this many.</summary>
    public int SnapshotEvery { get; set; } = 64;

    /// <summary>Entries read at once while an activation looks for the end of its journal.</summary>
    public int ReadAhead { get; set; } = 8;

    /// <summary>Throws if an option is out of range.</summary>
    public void Validate()
    {
        if (SnapshotEvery < 1 || ReadAhead < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SnapshotEvery), $"SnapshotEvery ({SnapshotEvery}) and ReadAhead ({ReadAhead}) must be at least 1.");
        }
    }
}
