namespace ApexOrleans.Storage;

/// <summary>A running count of committed writes and the payload bytes they stored.</summary>
public sealed class CommittedWrites(long writes, long bytes)
{
    private long _writes = writes;
    private long _bytes = bytes;

    /// <summary>Writes committed.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Payload bytes those writes stored.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Counts one committed write of <paramref name="bytes"/> payload bytes.</summary>
    public void Add(long bytes)
    {
        Interlocked.Increment(ref _writes);
        Interlocked.Add(ref _bytes, bytes);
    }
}
