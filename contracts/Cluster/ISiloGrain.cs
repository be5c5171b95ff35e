using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Diagnostics;

namespace ApexOrleans.Contracts.Cluster;

/// <summary>The mesh's agent on one silo (keyed by the silo's address): what lives in that silo's memory, read and set from any silo.</summary>
public interface ISiloGrain : IGrainWithStringKey
{
    /// <summary>Holds <paramref name="set"/> in this silo's switchboard if it is newer; returns the set held after.</summary>
    Task<FaultSet> ApplyFaultsAsync(FaultSet set);

    /// <summary>The fault set this silo holds.</summary>
    Task<FaultSet> FaultsAsync();

    /// <summary>This silo's figures and the tenants it holds.</summary>
    Task<SiloReport> ReportAsync();

    /// <summary>This silo's recent activity, newest last, optionally of one tenant.</summary>
    Task<IReadOnlyList<MeshActivity>> RecentAsync(string? tenant, int count);

    /// <summary>This silo's kept delivery latencies since <paramref name="since"/> (wall clock).</summary>
    Task<LatencySample[]> LatencySamplesAsync(DateTimeOffset since);

    /// <summary>The spans this silo kept of <paramref name="tenant"/>'s traces (incomplete when its bounds dropped some).</summary>
    Task<TenantTraces> SpansAsync(string tenant);
}

/// <summary>One silo's figures and the tenants it holds.</summary>
[GenerateSerializer, Immutable]
public sealed record SiloReport(string Silo, MeshStats Stats, IReadOnlyList<string> Tenants);
