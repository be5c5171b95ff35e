namespace ApexOrleans.Contracts.Configuration;

/// <summary>The known name a misspelt one was most likely meant to be, by edit distance; none when nothing is close.</summary>
public static class NearestName
{
    /// <summary>The closest of <paramref name="known"/> to <paramref name="name"/>, or null when none is within a few edits.</summary>
    public static string? Among(string name, IEnumerable<string> known)
    {
        // A third of the name's length, at least one and at most three edits: "outtage" finds "outage", "x" finds nothing.
        var allowed = Math.Clamp(name.Length / 3, 1, 3);
        return known
            .Select(candidate => (Candidate: candidate, Distance: Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant())))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance).ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .Select(c => c.Candidate)
            .FirstOrDefault();
    }

    /// <summary>
    /// Edit distance (optimal string alignment): the fewest insertions, deletions, substitutions and swaps of two
    /// neighbouring letters turning one text into the other, so "mdoe" is one edit from "mode".
    /// </summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(d[i - 1, j - 1] + cost, Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
