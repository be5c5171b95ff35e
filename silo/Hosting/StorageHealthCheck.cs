using ApexOrleans.Runtime;
using ApexOrleans.Runtime.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApexOrleans.Silo.Hosting;

/// <summary>Readiness: the silo can reach its storage (a read of a probe record, bounded in time).</summary>
public sealed class StorageHealthCheck([FromKeyedServices(GrainStorageNames.Default)] IGrainStorage storage) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.ReadStateAsync("probe", new GrainId("health", "probe"), new GrainState<ProbeState>()).WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            return HealthCheckResult.Healthy("storage answers");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy($"storage does not answer: {e.GetType().Name}");
        }
    }

    private sealed class ProbeState;
}
