namespace ApexOrleans.Runtime;

/// <summary>Durable state of a grain, injected into its constructor with <see cref="PersistentStateAttribute"/>.</summary>
public interface IPersistentState<TState> where TState : new()
{
    /// <summary>The current value; changes are durable only after <see cref="WriteStateAsync"/>.</summary>
    TState State { get; set; }

    /// <summary>The ETag of the stored version this value is based on.</summary>
    string? Etag { get; }

    /// <summary>Whether a record exists in the store.</summary>
    bool RecordExists { get; }

    /// <summary>Reloads the state from the store.</summary>
    Task ReadStateAsync();

    /// <summary>
    /// Stores the state if the stored version still has this <see cref="Etag"/>;
    /// otherwise throws <see cref="InconsistentStateException"/> and stores nothing.
    /// </summary>
    Task WriteStateAsync();

    /// <summary>Removes the stored state (ETag-checked like a write) and resets the value.</summary>
    Task ClearStateAsync();
}
