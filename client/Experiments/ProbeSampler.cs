using ApexOrleans.Client.Running;

namespace ApexOrleans.Client.Experiments;

/// <summary>
/// Takes the run's samples: a reading of the silo and of the traffic's calls, and the live probes' values over the
/// rate window, each sample labelled with the phase it was taken in and the faults on at the time.
/// </summary>
internal sealed class ProbeSampler(
    ExperimentDefinition definition, IMeshSession session, ExperimentTraffic traffic, FaultSchedule schedule, ExperimentOptions options,
    long runStarted, IExperimentProgress progress, TimeProvider wallClock)
{
    private readonly List<ProbeReading> _readings = [];
    private readonly List<ProbeSample> _samples = [];
    private readonly IReadOnlyList<ProbeTolerance> _liveProbes =
        [.. definition.SteadyState.Probes.Where(ProbeCatalog.IsLive), .. definition.Expected.Probes, .. definition.Safeguards];

    /// <summary>The phase the next samples are taken in.</summary>
    public ExperimentPhase Phase { get; set; } = ExperimentPhase.Setup;

    /// <summary>Every sample so far.</summary>
    public IReadOnlyList<ProbeSample> Samples => _samples;

    /// <summary>How many readings were taken so far.</summary>
    public int ReadingCount => _readings.Count;

    /// <summary>The readings taken from the <paramref name="first"/>-th on.</summary>
    public IReadOnlyList<ProbeReading> ReadingsFrom(int first) => _readings.Skip(first).ToList();

    /// <summary>Seconds since the run started, as samples and notes give them.</summary>
    public double Seconds() => Math.Round(wallClock.GetElapsedTime(runStarted).TotalSeconds, 3);

    /// <summary>Takes a reading, records the sample, and returns the readings of the last rate window (oldest first).</summary>
    public async Task<IReadOnlyList<ProbeReading>> SampleAsync(CancellationToken cancellationToken)
    {
        var stats = await session.StatsAsync(cancellationToken);
        var ready = await session.ReadyAsync(cancellationToken);
        var reading = new ProbeReading(wallClock.GetUtcNow(), stats, ready, traffic.CallsTried, traffic.CallFailures);
        _readings.Add(reading);
        var window = _readings.Where(r => r.At >= reading.At - options.RateWindow).ToList();
        var values = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var probe in _liveProbes)
        {
            values[probe.Label] = ProbeReading.Value(probe, window);
        }

        var sample = new ProbeSample(Seconds(), Phase.Name(), values, schedule.OnNow);
        _samples.Add(sample);
        progress.Sampled(sample, traffic.InFlight);
        return window;
    }
}
