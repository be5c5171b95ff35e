
namespace ApexOrleans.Contracts.Chaos;

/// <summary>The chaos of a run: a seed, fault rates, the longest injected delay, outage windows, and per-event scripts.</summary>
[GenerateSerializer, Immutable]
public sealed record ChaosSettings
{
    /// <summary>Seeds every decision; the same seed gives the same faults.</summary>
    [Id(0)]
    public long Seed { get; init; }

    /// <summary>Share of attempts delivered twice.</summary>
    [Id(1)]
    public double DuplicateRate { get; init; }

    /// <summary>Share of deliveries held back (out of order) by up to <see cref="MaxDelay"/>.</summary>
    [Id(2)]
    public double OutOfOrderRate { get; init; }

    /// <summary>Share of attempts that hang past their timeout.</summary>
    [Id(3)]
    public double TimeoutRate { get; init; }

    /// <summary>Share of attempts that fail before reaching the target.</summary>
    [Id(4)]
    public double NetworkFailureRate { get; init; }

    /// <summary>Share of attempts that fail at the target with a server error.</summary>
    [Id(5)]
    public double ServerErrorRate { get; init; }

    /// <summary>Share of attempts whose effect commits but whose answer is lost.</summary>
    [Id(6)]
    public double ResponseLostRate { get; init; }

    /// <summary>The longest out-of-order delay.</summary>
    [Id(7)]
    public TimeSpan MaxDelay { get; init; }

    /// <summary>Apps that are down while the run's sequence is inside their windows (none, one, or several; id 8 was the single outage).</summary>
    [Id(10)]
    public IReadOnlyList<OutageWindow> Outages { get; init; } = [];

    /// <summary>Faults scripted for specific events (by idempotency key), applied to their target deliveries instead of random ones.</summary>
    [Id(9)]
    public IReadOnlyDictionary<string, ScriptedFaults> Scripts { get; init; } = new Dictionary<string, ScriptedFaults>();

    /// <summary>No chaos at all: the control run.</summary>
    public static ChaosSettings None { get; } = new();

    /// <summary>
    /// Whether these settings inject nothing (no rates, delay, outage or scripts). Checked by value: settings that crossed
    /// a silo boundary are a copy, never <see cref="None"/> itself.
    /// </summary>
    public bool InjectsNothing() => AttemptFaultRates().All(f => f.Rate == 0) && OutOfOrderRate == 0 && MaxDelay == TimeSpan.Zero && Outages.Count == 0
        && Scripts.Count == 0;

    /// <summary>
    /// The rates of the faults one roll per attempt chooses between, in the order their bands are laid out from 0: the
    /// order is part of what a seed means, so a new kind goes last.
    /// </summary>
    public IReadOnlyList<(FaultKind Kind, double Rate)> AttemptFaultRates() =>
    [
        (FaultKind.Duplicate, DuplicateRate), (FaultKind.Timeout, TimeoutRate), (FaultKind.NetworkFailure, NetworkFailureRate),
        (FaultKind.ServerError, ServerErrorRate), (FaultKind.ResponseLost, ResponseLostRate),
    ];

    /// <summary>The share of attempts that meet one of <see cref="AttemptFaultRates"/>: at most 1, as they share one roll.</summary>
    public double AttemptFaultShare() => AttemptFaultRates().Sum(f => f.Rate);

    /// <summary>Checks rates are shares and add up to at most 1.</summary>
    public void Validate()
    {
        if (AttemptFaultRates().Select(f => f.Rate).Append(OutOfOrderRate).Any(r => r is < 0 or > 1 || double.IsNaN(r)))
        {
            throw new ArgumentException("Chaos rates are shares between 0 and 1.");
        }

        if (AttemptFaultShare() > 1)
        {
            throw new ArgumentException("The attempt fault rates (duplicate, timeout, network, server error, response lost) add up to more than 1.");
        }

        if (MaxDelay < TimeSpan.Zero || Outages.Any(o => o.FromSequence < 0 || o.ToSequence < o.FromSequence))
        {
            throw new ArgumentException("The max delay must be ≥ 0 and an outage window must run forward.");
        }

        if (Outages.GroupBy(o => o.App).Any(windows => windows.OrderBy(o => o.FromSequence).Zip(windows.OrderBy(o => o.FromSequence).Skip(1)).Any(p => p.Second.FromSequence < p.First.ToSequence)))
        {
            throw new ArgumentException("Two outage windows of one app overlap.");
        }
    }
}

/// <summary>
/// An app that fails every call while the run's current sequence is in [<see cref="FromSequence"/>, <see cref="ToSequence"/>):
/// the chaos filter fails its attempts, or, <see cref="AtHost"/>, the app's own host refuses them (the runner takes the
/// remote app down and up at the window's edges, and the mesh injects nothing).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OutageWindow(string App, long FromSequence, long ToSequence, bool AtHost = false)
{
    /// <summary>Whether the app is down at <paramref name="sequence"/>.</summary>
    public bool Covers(string app, long sequence) => app == App && sequence >= FromSequence && sequence < ToSequence;
}

/// <summary>
/// Faults scripted for one event's target deliveries: the first attempts time out, then fail on the network,
/// then with server errors, then lose their answer; a duplicate doubles the first attempt that gets through.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ScriptedFaults(bool Duplicate = false, TimeSpan? Delay = null, int Timeouts = 0, int NetworkFailures = 0, int ServerErrors = 0, int ResponsesLost = 0)
{
    /// <summary>No scripted fault.</summary>
    public static ScriptedFaults None { get; } = new();

    /// <summary>A short description for progress tables ("—" for none).</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Duplicate) parts.Add("duplicate");
        if (Delay is { } delay && delay > TimeSpan.Zero) parts.Add($"delay {(long)delay.TotalMilliseconds} ms");
        if (Timeouts > 0) parts.Add($"timeout ×{Timeouts}");
        if (NetworkFailures > 0) parts.Add($"network ×{NetworkFailures}");
        if (ServerErrors > 0) parts.Add($"server error ×{ServerErrors}");
        if (ResponsesLost > 0) parts.Add($"response lost ×{ResponsesLost}");
        return parts.Count == 0 ? "—" : string.Join(", ", parts);
    }
}
