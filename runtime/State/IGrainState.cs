namespace ApexOrleans.Runtime;

/// <summary>A grain's state as a storage provider sees it: the value, its ETag and whether a record exists.</summary>
public interface IGrainState<T>
{
    /// <summary>The state value.</summary>
    T State { get; set; }

    /// <summary>The version the state was read or written at; <c>null</c> when nothing was ever stored.</summary>
    string? ETag { get; set; }

    /// <summary>Whether the store holds a record for this state.</summary>
    bool RecordExists { get; set; }
}
