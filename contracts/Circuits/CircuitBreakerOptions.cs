
namespace ApexOrleans.Contracts.Circuits;

/// <summary>When a target's circuit opens, how long it stays open, and how it is probed (Dapr-like defaults).</summary>
[GenerateSerializer, Immutable]
public sealed record CircuitBreakerOptions
{
    /// <summary>Consecutive failures that open a closed circuit (Dapr's consecutiveFailures; the story's 5).</summary>
    [Id(0)]
    public int FailureThreshold { get; init; } = 5;

    /// <summary>How long the circuit stays open the first time before it lets a probe through.</summary>
    [Id(1)]
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Each reopening after a failed probe multiplies the break by this, up to <see cref="MaxBreakDuration"/>.</summary>
    [Id(2)]
    public double BreakGrowth { get; init; } = 2.0;

    /// <summary>The longest break.</summary>
    [Id(3)]
    public TimeSpan MaxBreakDuration { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Calls let through while half-open; their outcome closes or reopens the circuit.</summary>
    [Id(4)]
    public int HalfOpenProbes { get; init; } = 1;

    /// <summary>The break after <paramref name="openings"/> consecutive openings (1 = first).</summary>
    public TimeSpan BreakAfter(int openings)
    {
        var factor = Math.Pow(BreakGrowth, Math.Clamp(openings - 1, 0, 60));
        var ticks = Math.Min(BreakDuration.Ticks * factor, MaxBreakDuration.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Checks the values make sense together.</summary>
    public void Validate()
    {
        if (FailureThreshold < 1 || BreakDuration <= TimeSpan.Zero || BreakGrowth < 1 || MaxBreakDuration < BreakDuration || HalfOpenProbes < 1)
        {
            throw new ArgumentException("Circuit options: threshold ≥ 1, break > 0, growth ≥ 1, max break ≥ break, probes ≥ 1.");
        }
    }
}
