namespace ApexOrleans.Grains.Persistence;

/// <summary>A journaled state as it stood after entry <see cref="Through"/>: where an activation starts replaying.</summary>
public sealed class JournalSnapshot<TState> where TState : new()
{
    /// <summary>The state.</summary>
    public TState State { get; set; } = new();

    /// <summary>The last journal entry folded into <see cref="State"/>; 0 before the first.</summary>
    public long Through { get; set; }
}
