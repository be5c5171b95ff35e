using System.Diagnostics;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Grains.Diagnostics;

namespace ApexOrleans.Grains.Cluster;

/// <summary>Reads <see cref="MeshStats"/> of this process; a load samples it (in-process or over the silo's API) while it runs.</summary>
public sealed class MeshStatsReader(IActivationWorkingSet activations, MeshTelemetry telemetry, MeshTenants tenants, FaultSwitchboard faults, IServiceProvider services)
{
    private readonly Lazy<ApexOrleans.Storage.SqlGrainStorage?> _storage = new(() => ChaosFilteredGrainStorage.SqlStorageOf(services));

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
            Writes = _storage.Value is { } storage ? new StorageWrites(storage.CommittedWrites, storage.CommittedPayloadBytes, storage.CommittedTransactions) : null,
        };
    }
}
