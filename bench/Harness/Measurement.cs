namespace ApexOrleans.Bench.Harness;

/// <summary>One figure measured in several repetitions of the same run; its median is what is compared.</summary>
public sealed record Measurement(string Name, string Unit, IReadOnlyList<double> Runs)
{
    /// <summary>The median of the repetitions.</summary>
    public double Median
    {
        get
        {
            var sorted = Runs.Order().ToArray();
            return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }
}

/// <summary>A target checked from measurements of the same run: a ratio against a baseline, or a bound.</summary>
public sealed record TargetResult(string Name, string Figure, double Value, string Target, bool Met, string Note);
