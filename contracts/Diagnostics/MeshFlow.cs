namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>
/// The mesh's running totals (publishes, delivery attempts and failures, deliveries, per target), circuits not closed
/// now, and the latency of the deliveries completed in the last <see cref="RecentSeconds"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MeshFlow(
    long Published, long Attempts, long FailedAttempts, long Delivered, long CircuitsNotClosed,
    IReadOnlyDictionary<string, TargetFlow> ByTarget, double RecentSeconds, LatencyFigures RecentLatencyMs)
{
    /// <summary>Nothing yet.</summary>
    public static MeshFlow Empty { get; } = new(0, 0, 0, 0, 0, new Dictionary<string, TargetFlow>(), 0, LatencyFigures.Of([]));
}
