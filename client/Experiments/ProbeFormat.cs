using System.Globalization;

namespace ApexOrleans.Client.Experiments;

/// <summary>How probe values are written in checks, notes and verdicts.</summary>
internal static class ProbeFormat
{
    /// <summary>Up to four decimals, invariant; "n/a" when there is no value.</summary>
    public static string Value(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "n/a";
}
