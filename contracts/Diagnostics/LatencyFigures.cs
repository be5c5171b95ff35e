namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>Percentiles of a set of milliseconds.</summary>
[GenerateSerializer, Immutable]
public sealed record LatencyFigures(int Count, double P50, double P95, double P99, double Max)
{
    /// <summary>Nearest-rank percentiles of <paramref name="values"/>.</summary>
    public static LatencyFigures Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new LatencyFigures(0, 0, 0, 0, 0);
        }

        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LatencyFigures(sorted.Length, Math.Round(At(0.50), 3), Math.Round(At(0.95), 3), Math.Round(At(0.99), 3), Math.Round(sorted[^1], 3));
    }
}
