using ApexOrleans.Contracts.Diagnostics;

namespace ApexOrleans.Contracts.Cluster;

/// <summary>The whole cluster as one silo sees it: each silo's report, the tenants it holds, its recent activity.</summary>
public interface IClusterView
{
    /// <summary>Each active silo's figures and tenants.</summary>
    Task<IReadOnlyList<SiloReport>> ReportsAsync();

    /// <summary>The tenants held by any silo.</summary>
    Task<IReadOnlyList<string>> TenantsAsync();

    /// <summary>The newest <paramref name="count"/> activities across silos, of one tenant or all, newest last.</summary>
    Task<IReadOnlyList<MeshActivity>> RecentAsync(string? tenant, int count);

    /// <summary>Delivery latency across silos, per <paramref name="slice"/> of wall-clock time since <paramref name="since"/>.</summary>
    Task<IReadOnlyList<LatencyPoint>> LatencySeriesAsync(TimeSpan slice, DateTimeOffset since);

    /// <summary>The spans every silo kept of <paramref name="tenant"/>'s traces (incomplete when a silo did not answer).</summary>
    Task<TenantTraces> TracesAsync(string tenant);
}
