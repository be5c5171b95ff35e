using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;

namespace ApexOrleans.Contracts.Tenancy;

/// <summary>Which clock a run's tenant uses.</summary>
[GenerateSerializer]
public enum RunClock
{
    /// <summary>Moves only when the runner advances it: a whole day in well under a second, deterministic.</summary>
    Virtual,

    /// <summary>Wall-clock time scaled by <see cref="RunSettings.TimeScale"/>: the day plays live.</summary>
    Real,
}

/// <summary>
/// What a run asks of the silo for its tenant; plain data, so it can travel to a remote silo with the run.
/// The silo turns it into <see cref="TenantSettings"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RunSettings
{
    /// <summary>The run's chaos.</summary>
    [Id(0)]
    public ChaosSettings Chaos { get; init; } = ChaosSettings.None;

    /// <summary>Retries, backoff, timeouts.</summary>
    [Id(1)]
    public DeliveryOptions Delivery { get; init; } = new();

    /// <summary>Circuit trip rule and breaks.</summary>
    [Id(2)]
    public CircuitBreakerOptions Circuit { get; init; } = new();

    /// <summary>Virtual or real clock.</summary>
    [Id(3)]
    public RunClock Clock { get; init; } = RunClock.Virtual;

    /// <summary>Where the clock starts (the scenario's morning).</summary>
    [Id(4)]
    public DateTimeOffset ClockStart { get; init; }

    /// <summary>Real clock only: wall seconds per scenario second (0.1 plays ten times faster than life).</summary>
    [Id(5)]
    public double TimeScale { get; init; } = 1.0;

    /// <summary>Whether this tenant is the control of another run (the same day without chaos), not a run of its own.</summary>
    [Id(6)]
    public bool Control { get; init; }

    /// <summary>A clock whose arithmetic would overflow: a start past the year 9000, a time scale outside [1e-6, 1e6].</summary>
    public void Validate()
    {
        if (ClockStart.Year > 9000)
        {
            throw new ArgumentException($"clockStart {ClockStart:O} must lie before the year 9000.");
        }

        if (!(TimeScale is >= 1e-6 and <= 1e6))
        {
            throw new ArgumentException($"timeScale {TimeScale} must be between 0.000001 and 1000000.");
        }
    }
}
