namespace ApexOrleans.Runtime;

/// <summary>
/// A write or clear was based on a stale ETag: someone else changed the stored state since it was read.
/// Nothing was stored. Reload the state and decide again.
/// </summary>
public sealed class InconsistentStateException : Exception
{
    /// <summary>Creates the exception for the state of a grain.</summary>
    public InconsistentStateException(GrainId grainId, string stateName, string? expectedEtag, string? storedEtag)
        : base($"State '{stateName}' of grain {grainId} was not written: it was based on ETag '{expectedEtag ?? "(none)"}' " +
               $"but the store holds ETag '{storedEtag ?? "(none)"}'. Another writer changed it; nothing was stored.")
    {
        GrainId = grainId;
        StateName = stateName;
        ExpectedEtag = expectedEtag;
        StoredEtag = storedEtag;
    }

    /// <summary>The grain whose state was written.</summary>
    public GrainId GrainId { get; }

    /// <summary>The state name.</summary>
    public string StateName { get; }

    /// <summary>The ETag the writer based its write on.</summary>
    public string? ExpectedEtag { get; }

    /// <summary>The ETag the store holds (null if no record).</summary>
    public string? StoredEtag { get; }
}
