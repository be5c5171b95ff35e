
namespace ApexOrleans.Contracts.Tenancy;

/// <summary>What the cluster keeps of a configured tenant, so that any silo can take it up: its settings and where its clock was.</summary>
[GenerateSerializer]
public sealed class TenantRecord
{
    /// <summary>The run's settings, as configured.</summary>
    [Id(0)]
    public RunSettings? Settings { get; set; }

    /// <summary>The tenant's clock when last recorded.</summary>
    [Id(1)]
    public DateTimeOffset ClockAt { get; set; }

    /// <summary>The silo's wall clock at that moment (a real-clock tenant's clock goes on from there).</summary>
    [Id(2)]
    public DateTimeOffset WallAt { get; set; }
}
