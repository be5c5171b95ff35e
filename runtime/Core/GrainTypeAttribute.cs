namespace ApexOrleans.Runtime;

/// <summary>Names the grain type explicitly; by default it is the class name without "Grain", lower-cased.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name used in identities and storage keys.</summary>
    public string Name { get; } = name;
}
