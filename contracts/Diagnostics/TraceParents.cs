namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>W3C traceparents (<c>00-{trace id}-{span id}-{flags}</c>) as text: the parts the mesh reads out of one.</summary>
public static class TraceParents
{
    /// <summary>The trace id of <paramref name="traceParent"/>, or null when it is none.</summary>
    public static string? TraceIdOf(string? traceParent) => traceParent is { Length: 55 } ? traceParent[3..35] : null;
}
