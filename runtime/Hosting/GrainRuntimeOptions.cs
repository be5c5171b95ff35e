namespace ApexOrleans.Runtime.Hosting;

/// <summary>Options of grain calls.</summary>
public sealed class GrainRuntimeOptions
{
    /// <summary>How long a caller waits for a grain call (Orleans' ResponseTimeout); measured on the silo's TimeProvider.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
