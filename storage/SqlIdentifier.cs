using System.Text.RegularExpressions;

namespace ApexOrleans.Storage;

/// <summary>Checks table and schema names from configuration before they are placed into SQL text.</summary>
internal static partial class SqlIdentifier
{
    [GeneratedRegex("\\A[A-Za-z_][A-Za-z0-9_]{0,62}\\z")]
    private static partial Regex Pattern();

    public static string Require(string value, string what) =>
        Pattern().IsMatch(value)
            ? value
            : throw new ArgumentException($"{what} '{value}' is not a plain SQL identifier (letters, digits, '_', not starting with a digit, at most 63 characters).");
}
