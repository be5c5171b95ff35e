namespace ApexOrleans.Storage;

/// <summary>
/// Group commit of grain state writes: writes that wait at the same moment, from any grains, go to the store in one
/// transaction (one round trip where the driver batches), and each caller is answered only once that transaction
/// has committed, so durability is exactly that of one write per transaction.
/// </summary>
public sealed class WriteBatchingOptions
{
    /// <summary>The most writes one transaction carries.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>How many transactions may be committing at once (each on its own connection).</summary>
    public int MaxConcurrentBatches { get; set; } = 4;

    /// <summary>Refuses settings that cannot work.</summary>
    public void Validate()
    {
        if (MaxBatchSize < 1 || MaxConcurrentBatches < 1)
        {
            throw new ArgumentException("Write batching needs MaxBatchSize and MaxConcurrentBatches of at least 1.");
        }
    }
}
