using System.Diagnostics;
using ApexOrleans.Grains.Tenancy;
using Orleans.Runtime;

namespace ApexOrleans.Grains.Hosting;

/// <summary>A moment's figures of a silo running the mesh: activations, pending deliveries, tenants and process memory.</summary>
[GenerateSerializer, Immutable]
public sealed record MeshStats(int Activations, long PendingDeliveries, int Tenants, long WorkingSetBytes, long ManagedHeapBytes)
{
    /// <summary>The mesh's running totals and recent latency (what experiments probe).</summary>
    [Id(5)]
    public MeshFlow Flow { get; init; } = MeshFlow.Empty;

    /// <summary>The faults injected into the silo now.</summary>
    [Id(6)]
    public IReadOnlyList<Chaos.InjectedFault> Faults { get; init; } = [];
}

/// <summary>Reads <see cref="MeshStats"/> of this process; a load samples it (in-process or over the silo's API) while it runs.</summary>
public sealed class MeshStatsReader(IActivationWorkingSet activations, MeshTelemetry telemetry, MeshTenants tenants, Chaos.FaultSwitchboard faults)
{
    /// <summary>How far back <see cref="MeshFlow.RecentLatencyMs"/> looks.</summary>
    public static readonly TimeSpan RecentLatencyWindow = TimeSpan.FromSeconds(5);

    /// <summary>The figures now.</summary>
    public MeshStats Read()
    {
        using var process = Process.GetCurrentProcess();
        return new MeshStats(activations.Count, telemetry.PendingDeliveries, tenants.Count, process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false))
        {
            Flow = telemetry.Flow(RecentLatencyWindow),
            Faults = faults.Active,
        };
    }
}
