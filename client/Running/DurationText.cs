using System.Globalization;

namespace ApexOrleans.Client.Running;

/// <summary>Durations as people type them on a command line: 500ms, 30s, 2m, 1h, 7d.</summary>
public static class DurationText
{
    /// <summary>Parses <paramref name="text"/>; a bad value throws <see cref="ArgumentException"/> naming <paramref name="option"/>.</summary>
    public static TimeSpan Parse(string text, string option)
    {
        var units = new (string Suffix, Func<double, TimeSpan> Make)[]
        {
            ("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes), ("h", TimeSpan.FromHours), ("d", TimeSpan.FromDays),
        };
        foreach (var (suffix, make) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && value > 0 && !double.IsInfinity(value))
            {
                try
                {
                    return make(value);
                }
                catch (OverflowException)
                {
                    break; // longer than a TimeSpan holds
                }
            }
        }

        throw new BadInputException($"{option} '{text}' is not a duration greater than 0 such as 500ms, 30s, 2m, 1h or 7d.");
    }
}
