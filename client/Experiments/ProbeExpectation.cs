namespace ApexOrleans.Client.Experiments;

/// <summary>One expected probe while faults are on: every sample must hold it, or (<see cref="ProbeTolerance.Eventually"/>) one must.</summary>
internal sealed class ProbeExpectation(ProbeTolerance probe)
{
    private static readonly string During = ExperimentPhase.Method.CheckName();
    private double? _worst;
    private double? _held;
    private (double Value, double At)? _firstBreak;
    private int _samples;

    /// <summary>The probe and its limits.</summary>
    public ProbeTolerance Probe { get; } = probe;

    /// <summary>Takes a sample's <paramref name="value"/>, taken <paramref name="at"/> seconds into the run; a first break of an every-sample probe is reported at once.</summary>
    public void Observe(double value, double at, IExperimentProgress progress)
    {
        _samples++;
        if (Probe.Holds(value))
        {
            _held ??= value;
        }
        else if (_firstBreak is null)
        {
            _firstBreak = (value, at);
            if (!Probe.Eventually)
            {
                progress.Note($"expected {Probe.Label} {Probe.Limits} broke: {ProbeFormat.Value(value)} at {at:0.###} s");
            }
        }

        _worst = _worst is not { } w ? value
            : Probe.Max is not null ? Math.Max(w, value) : Math.Min(w, value);
    }

    /// <summary>The check: held on every sample (or on one), with the value that decided it.</summary>
    public ProbeCheck Result()
    {
        var definition = ProbeCatalog.All[Probe.Probe];
        if (_samples == 0)
        {
            return new ProbeCheck(During, Probe.Probe, Probe.Label, Probe.Limits, null, false, "no sample was taken while a fault was on");
        }

        if (Probe.Eventually)
        {
            return new ProbeCheck(During, Probe.Probe, Probe.Label, $"{Probe.Limits} at least once", _held ?? _worst, _held is not null,
                _held is { } v
                    ? $"held at {ProbeFormat.Value(v)} {definition.Unit} on a sample while faults were on"
                    : $"never held in {_samples} samples; closest {ProbeFormat.Value(_worst)}");
        }

        return new ProbeCheck(During, Probe.Probe, Probe.Label, Probe.Limits, _firstBreak?.Value ?? _worst, _firstBreak is null,
            _firstBreak is { } b
                ? $"broke at {b.At:0.###} s with {ProbeFormat.Value(b.Value)} {definition.Unit}"
                : $"held on all {_samples} samples while faults were on; worst {ProbeFormat.Value(_worst)} {definition.Unit}");
    }
}
