using ApexOrleans.Contracts.Cluster;
using ApexOrleans.Grains.Chaos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApexOrleans.Grains.Cluster;

/// <summary>
/// Keeps this silo's faults in step with the keeper's from the outside: at start (a silo that joins takes up the faults
/// already on), then every <see cref="MeshClusterOptions.FaultCatchUpInterval"/>, so a silo that missed a change (it
/// did not answer in time, or joined while it was sent) catches up by itself. Changes themselves are pushed to every
/// silo by the keeper before it answers; this only mends what a push missed.
/// </summary>
public sealed class FaultSetSync(IGrainFactory grains, FaultSwitchboard faults, IOptions<MeshClusterOptions> options, ILogger<FaultSetSync> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(FaultSetSync), ServiceLifecycleStage.Active, OnStart, OnStop);

    private Task OnStart(CancellationToken cancellationToken)
    {
        // In the background: a keeper that cannot be reached must not stop the silo from starting.
        _loop = Task.Run(() => CatchUpAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the silo's stop gave up waiting: the loop ends on its own at its next step
        }
    }

    private async Task CatchUpAsync(CancellationToken stopping)
    {
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                faults.Apply(await grains.ClusterFaults().GetAsync().WaitAsync(stopping));
                failures = 0;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or InvalidOperationException)
            {
                if (++failures == 3)
                {
                    logger.LogWarning(e, "This silo cannot reach the keeper of faults; it holds the faults it last had and keeps trying.");
                }
            }

            try
            {
                await Task.Delay(options.Value.FaultCatchUpInterval, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
