using ApexOrleans.Grains.Chaos;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace ApexOrleans.Grains.Cluster;

/// <summary>A silo that joins a cluster takes up the faults already on: later changes reach it from the keeper.</summary>
public sealed class FaultSetSync(IGrainFactory grains, FaultSwitchboard faults, ILogger<FaultSetSync> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(FaultSetSync), ServiceLifecycleStage.Active, OnActive);

    private Task OnActive(CancellationToken cancellationToken)
    {
        // In the background: a keeper that cannot be reached must not stop the silo from starting.
        _ = Task.Run(async () =>
        {
            try
            {
                faults.Apply(await grains.GetGrain<IClusterFaultsGrain>(IClusterFaultsGrain.Key).GetAsync());
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "This silo could not take up the faults already on in the cluster; it will hold the next change.");
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }
}
