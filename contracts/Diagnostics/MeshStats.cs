using ApexOrleans.Contracts.Chaos;

namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>A moment's figures of a silo running the mesh: activations, pending deliveries, tenants and process memory.</summary>
[GenerateSerializer, Immutable]
public sealed record MeshStats(int Activations, long PendingDeliveries, int Tenants, long WorkingSetBytes, long ManagedHeapBytes)
{
    /// <summary>The mesh's running totals and recent latency (what experiments probe).</summary>
    [Id(5)]
    public MeshFlow Flow { get; init; } = MeshFlow.Empty;

    /// <summary>The faults injected into the silo now.</summary>
    [Id(6)]
    public IReadOnlyList<InjectedFault> Faults { get; init; } = [];

    /// <summary>What the silo's SQL storage committed so far; null on a storage that does not count its writes (memory, Orleans' own ADO.NET provider).</summary>
    [Id(7)]
    public StorageWrites? Writes { get; init; }
}
