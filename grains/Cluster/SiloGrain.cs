using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Cluster;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Diagnostics;
using ApexOrleans.Grains.Placement;
using ApexOrleans.Grains.Tenancy;
using Orleans.Concurrency;

namespace ApexOrleans.Grains.Cluster;

/// <summary>Reads and sets this silo's memory for the rest of the cluster; it holds nothing of its own.</summary>
[SiloPinnedPlacement, Reentrant]
public sealed class SiloGrain(FaultSwitchboard faults, MeshStatsReader stats, MeshTenants tenants, MeshTelemetry telemetry, TraceRecorder traces) : Grain, ISiloGrain
{
    /// <inheritdoc />
    public Task<FaultSet> ApplyFaultsAsync(FaultSet set)
    {
        faults.Apply(set);
        return Task.FromResult(faults.Set);
    }

    /// <inheritdoc />
    public Task<FaultSet> FaultsAsync() => Task.FromResult(faults.Set);

    /// <inheritdoc />
    public Task<SiloReport> ReportAsync() =>
        Task.FromResult(new SiloReport(this.GetPrimaryKeyString(), stats.Read(), tenants.All.Select(t => t.Id).Order(StringComparer.Ordinal).ToList()));

    /// <inheritdoc />
    public Task<IReadOnlyList<MeshActivity>> RecentAsync(string? tenant, int count) => Task.FromResult(telemetry.Recent(tenant, count));

    /// <inheritdoc />
    public Task<LatencySample[]> LatencySamplesAsync(DateTimeOffset since) => Task.FromResult(telemetry.LatencySamples().Where(s => s.At >= since).ToArray());

    /// <inheritdoc />
    public Task<TenantTraces> SpansAsync(string tenant) => Task.FromResult(traces.Spans(tenant));
}
