using System.Diagnostics;

namespace ApexOrleans.Bench.Harness;

/// <summary>Closed-loop throughput: <c>clients</c> loops each run an operation back to back for a window; operations per second.</summary>
public static class Throughput
{
    /// <summary>Runs <paramref name="operation"/> (given client number and iteration) from each client for <paramref name="window"/>.</summary>
    public static async Task<double> MeasureAsync(int clients, TimeSpan window, Func<int, long, Task> operation)
    {
        long done = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (long i = 0; stopwatch.Elapsed < window; i++)
            {
                await operation(client, i).ConfigureAwait(false);
                Interlocked.Increment(ref done);
            }
        })));
        return done / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Measures a baseline and a subject <paramref name="repetitions"/> times, interleaved, so drift on a noisy machine hits both.</summary>
    public static async Task<(Measurement Baseline, Measurement Subject)> PairAsync(
        int repetitions, string baselineName, Func<Task<double>> baseline, string subjectName, Func<Task<double>> subject, string unit, Action<string> log)
    {
        var measured = await InterleaveAsync(repetitions, unit, log, (baselineName, baseline), (subjectName, subject));
        return (measured[0], measured[1]);
    }

    /// <summary>
    /// Measures each series <paramref name="repetitions"/> times, one of each per repetition in the order given, so drift on a
    /// noisy machine hits them all; the log shows the second against the first.
    /// </summary>
    public static async Task<Measurement[]> InterleaveAsync(int repetitions, string unit, Action<string> log, params (string Name, Func<Task<double>> Measure)[] series)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(series.Length, 2, nameof(series)); // the log compares the second with the first
        var values = series.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < repetitions; i++)
        {
            for (var s = 0; s < series.Length; s++)
            {
                values[s].Add(Math.Round(await series[s].Measure(), 1));
            }

            log($"    repetition {i + 1}/{repetitions}: {string.Join(", ", series.Select((x, s) => $"{x.Name} {values[s][^1]:N0} {unit}"))}" +
                $" ({values[1][^1] / values[0][^1]:P0})");
        }

        return series.Select((x, s) => new Measurement(x.Name, unit, values[s])).ToArray();
    }
}
