namespace ApexOrleans.Runtime.Hosting;

/// <summary>The grain classes the silo hosts; filled by <see cref="SiloBuilderExtensions.AddGrains"/>.</summary>
public sealed class GrainClassOptions
{
    /// <summary>Concrete grain classes.</summary>
    public List<Type> GrainClasses { get; } = [];
}
