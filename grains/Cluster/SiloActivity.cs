using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Grains.Diagnostics;

namespace ApexOrleans.Grains.Cluster;

/// <summary>This silo's figures and live feed, for the silo's HTTP API.</summary>
public sealed class SiloActivity(MeshStatsReader stats, MeshTelemetry telemetry) : ISiloActivity
{
    /// <inheritdoc />
    public MeshStats Stats() => stats.Read();

    /// <inheritdoc />
    public IAsyncEnumerable<MeshActivity> StreamAsync(CancellationToken cancellationToken) => telemetry.StreamAsync(cancellationToken);
}
