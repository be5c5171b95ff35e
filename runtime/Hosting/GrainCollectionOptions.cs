namespace ApexOrleans.Runtime.Hosting;

/// <summary>Options of idle activation collection (Orleans' GrainCollectionOptions, same defaults as Orleans 7+).</summary>
public sealed class GrainCollectionOptions
{
    /// <summary>How often the collector looks for idle activations.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an activation may go without receiving a call before it is collected.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Per grain type name overrides of <see cref="CollectionAge"/>; a class's [CollectionAgeLimit] wins over both.</summary>
    public Dictionary<string, TimeSpan> ClassSpecificCollectionAge { get; set; } = [];
}
