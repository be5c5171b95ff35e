using Orleans.Storage;

namespace ApexOrleans.Storage;

/// <summary>The error every provider gives for a write or clear based on an ETag the store no longer holds.</summary>
internal static class EtagConflict
{
    public static InconsistentStateException Of(GrainId grainId, string stateName, string? expectedEtag, string? storedEtag) =>
        new($"State '{stateName}' of grain {grainId} was not written: it was based on ETag '{expectedEtag ?? "(none)"}' " +
            $"but the store holds ETag '{storedEtag ?? "(none)"}'. Another writer changed it; nothing was stored.",
            storedEtag, expectedEtag);
}
