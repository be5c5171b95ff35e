using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using ApexOrleans.Grains.Diagnostics;

namespace ApexOrleans.Silo.Hosting;

/// <summary>
/// Listens to the mesh's meter and renders its instruments in the Prometheus text format at <c>/metrics</c>
/// (counters as <c>_total</c>, histograms as buckets, gauges as they are). No exporter package is needed.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] Buckets = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000];
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), double> _counters = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), Histogram> _histograms = new();
    private readonly ConcurrentDictionary<string, string> _help = new();

    /// <summary>Starts listening to the meter <see cref="MeshTelemetry.MeterName"/>.</summary>
    public PrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeshTelemetry.MeterName)
            {
                _help[Name(instrument)] = instrument.Description ?? instrument.Name;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Measure(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Measure(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The current values in the Prometheus text format.</summary>
    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var group in _counters.GroupBy(c => c.Key.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var gauge = !group.Key.EndsWith("_total", StringComparison.Ordinal);
            text.Append($"# HELP {group.Key} {_help.GetValueOrDefault(group.Key, group.Key)}\n# TYPE {group.Key} {(gauge ? "gauge" : "counter")}\n");
            foreach (var (key, value) in group.OrderBy(g => g.Key.Labels, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"{key.Name}{key.Labels} {value}\n");
            }
        }

        foreach (var group in _histograms.GroupBy(h => h.Key.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.Append($"# HELP {group.Key} {_help.GetValueOrDefault(group.Key, group.Key)}\n# TYPE {group.Key} histogram\n");
            foreach (var (key, histogram) in group.OrderBy(g => g.Key.Labels, StringComparer.Ordinal))
            {
                lock (histogram)
                {
                    var inner = key.Labels.Length > 2 ? key.Labels[1..^1] + "," : "";
                    for (var i = 0; i < Buckets.Length; i++)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"{key.Name}_bucket{{{inner}le=\"{Buckets[i]}\"}} {histogram.Counts[i]}\n");
                    }

                    text.Append(CultureInfo.InvariantCulture, $"{key.Name}_bucket{{{inner}le=\"+Inf\"}} {histogram.Count}\n");
                    text.Append(CultureInfo.InvariantCulture, $"{key.Name}_sum{key.Labels} {histogram.Sum}\n{key.Name}_count{key.Labels} {histogram.Count}\n");
                }
            }
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void Measure(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        var name = Name(instrument);
        switch (instrument)
        {
            case Histogram<double>:
                var histogram = _histograms.GetOrAdd((name, labels), _ => new Histogram());
                lock (histogram)
                {
                    histogram.Count++;
                    histogram.Sum += value;
                    for (var i = 0; i < Buckets.Length; i++)
                    {
                        if (value <= Buckets[i])
                        {
                            histogram.Counts[i]++;
                        }
                    }
                }

                break;
            case ObservableGauge<long>:
                _counters[(name, labels)] = value;
                break;
            default:
                _counters.AddOrUpdate((name, labels), value, (_, sum) => sum + value);
                break;
        }
    }

    private static string Name(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_');
        return instrument switch
        {
            Counter<long> => $"{name}_total",
            Histogram<double> when instrument.Unit is { Length: > 0 } unit => $"{name}_{unit}",
            _ => name,
        };
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var pairs = new List<string>();
        foreach (var tag in tags)
        {
            pairs.Add($"{tag.Key}=\"{tag.Value?.ToString()?.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"");
        }

        pairs.Sort(StringComparer.Ordinal);
        return "{" + string.Join(",", pairs) + "}";
    }

    private sealed class Histogram
    {
        public long[] Counts { get; } = new long[Buckets.Length];

        public long Count { get; set; }

        public double Sum { get; set; }
    }
}
