namespace ApexOrleans.Runtime;

/// <summary>A plain holder of a state, its ETag and whether it exists, for reading and writing through a storage provider directly (Orleans' <c>GrainState&lt;T&gt;</c>).</summary>
public sealed class GrainState<T> : IGrainState<T> where T : new()
{
    /// <inheritdoc />
    public T State { get; set; } = new();

    /// <inheritdoc />
    public string? ETag { get; set; }

    /// <inheritdoc />
    public bool RecordExists { get; set; }
}
