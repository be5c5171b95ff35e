namespace ApexOrleans.Grains.Persistence;

/// <summary>A journaled state as it stood after entry <see cref="Through"/>: where an activation starts replaying.</summary>
public sealed class JournalSnapshot<TState> where TState : class, new()
{
    /// <summary>The state; null only when the row read was not a snapshot but a whole state stored before journals.</summary>
    public TState? State { get; set; }

    /// <summary>The last journal entry folded into <see cref="State"/>; 0 before the first.</summary>
    public long Through { get; set; }
}
