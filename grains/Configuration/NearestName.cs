namespace ApexOrleans.Grains.Configuration;

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

    /// <summary>Levenshtein distance: the fewest insertions, deletions and substitutions turning one text into the other.</summary>
    public static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
