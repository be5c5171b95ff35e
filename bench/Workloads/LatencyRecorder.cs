using System.Diagnostics.Metrics;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Grains.Diagnostics;

namespace ApexOrleans.Bench.Workloads;

/// <summary>
/// Collects the mesh's own delivery latency measurements (histogram <c>apex.delivery.latency</c>: the wall time spent
/// in a delivery's attempts, so injected delays and backoff are not in it) while it is listening.
/// </summary>
public sealed class LatencyRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private List<double> _samples = [];

    /// <summary>Starts listening.</summary>
    public LatencyRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeshTelemetry.MeterName && instrument.Name == "apex.delivery.latency")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (_gate)
            {
                _samples.Add(value);
            }
        });
        _listener.Start();
    }

    /// <summary>The latencies recorded since the last call, and starts afresh.</summary>
    public LatencyFigures Take()
    {
        List<double> taken;
        lock (_gate)
        {
            (taken, _samples) = (_samples, []);
        }

        return LatencyFigures.Of(taken);
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
