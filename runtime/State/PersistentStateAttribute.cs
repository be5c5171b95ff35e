namespace ApexOrleans.Runtime;

/// <summary>Marks a constructor parameter of type <see cref="IPersistentState{TState}"/> to be loaded before activation.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    /// <summary>The state's name, unique within the grain.</summary>
    public string StateName { get; } = stateName;

    /// <summary>The storage provider's name; <c>null</c> means the default provider.</summary>
    public string? StorageName { get; } = storageName;
}
