using ApexOrleans.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Providers;
using Orleans.Storage;

namespace ApexOrleans.Silo.Hosting;

/// <summary>Readiness: the silo can reach its storage (a read of a probe record, bounded in time).</summary>
public sealed class StorageHealthCheck([FromKeyedServices(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME)] IGrainStorage storage) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await StorageProbe.FailureAsync(storage, TimeSpan.FromSeconds(3), cancellationToken) is { } failure
            ? HealthCheckResult.Unhealthy($"storage does not answer: {failure}")
            : HealthCheckResult.Healthy("storage answers");
}
