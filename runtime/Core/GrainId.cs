namespace ApexOrleans.Runtime;

/// <summary>The identity of a grain: its grain type name and its string key.</summary>
public readonly record struct GrainId(string Type, string Key)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Key}";
}
