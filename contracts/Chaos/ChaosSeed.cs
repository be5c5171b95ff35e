using System.Globalization;

namespace ApexOrleans.Contracts.Chaos;

/// <summary>
/// The one rule for a chaos seed, wherever it is given (a scenario's <c>chaos.seed</c>, <c>--seed</c>): a whole
/// number written in digits, from <see cref="long.MinValue"/> to <see cref="long.MaxValue"/>.
/// </summary>
public static class ChaosSeed
{
    /// <summary>What a seed must be, for messages.</summary>
    public static string Rule { get; } = $"must be a whole number from {long.MinValue} to {long.MaxValue}";

    /// <summary>Reads a seed from its text (a command-line value, or a JSON number as written); false when it breaks the rule.</summary>
    public static bool TryParse(string text, out long seed) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed);
}
