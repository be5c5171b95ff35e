using Orleans.Storage;

namespace ApexOrleans.Storage;

/// <summary>Whether grain storage answers: a read of a probe record, bounded in time (what readiness means).</summary>
public static class StorageProbe
{
    private static readonly GrainId Probe = GrainId.Create("health", "probe");

    /// <summary>Null when the storage answered within <paramref name="timeout"/>; otherwise why not.</summary>
    public static async Task<string?> FailureAsync(IGrainStorage storage, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await storage.ReadStateAsync("probe", Probe, new GrainState<ProbeState>()).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return e.GetType().Name;
        }
    }

    private sealed class ProbeState;
}
