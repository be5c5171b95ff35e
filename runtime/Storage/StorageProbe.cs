namespace ApexOrleans.Runtime.Storage;

/// <summary>Whether grain storage answers: a read of a probe record, bounded in time (what readiness means).</summary>
public static class StorageProbe
{
    /// <summary>Null when the storage answered within <paramref name="timeout"/>; otherwise why not.</summary>
    public static async Task<string?> FailureAsync(IGrainStorage storage, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await storage.ReadStateAsync("probe", new GrainId("health", "probe"), new GrainState<ProbeState>()).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return e.GetType().Name;
        }
    }

    private sealed class ProbeState;
}
