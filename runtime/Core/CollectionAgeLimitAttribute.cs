namespace ApexOrleans.Runtime;

/// <summary>Overrides how long an activation of this grain class may stay idle before it is collected.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class CollectionAgeLimitAttribute : Attribute
{
    /// <summary>Idle minutes before collection.</summary>
    public double Minutes { get; init; }

    /// <summary>Idle seconds before collection; added to <see cref="Minutes"/>.</summary>
    public double Seconds { get; init; }

    internal TimeSpan Age => TimeSpan.FromMinutes(Minutes) + TimeSpan.FromSeconds(Seconds);
}
