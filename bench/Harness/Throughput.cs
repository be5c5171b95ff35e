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
        var b = new List<double>();
        var s = new List<double>();
        for (var i = 0; i < repetitions; i++)
        {
            b.Add(Math.Round(await baseline(), 1));
            s.Add(Math.Round(await subject(), 1));
            log($"    repetition {i + 1}/{repetitions}: {baselineName} {b[^1]:N0} {unit}, {subjectName} {s[^1]:N0} {unit} ({s[^1] / b[^1]:P0})");
        }

        return (new Measurement(baselineName, unit, b), new Measurement(subjectName, unit, s));
    }
}
