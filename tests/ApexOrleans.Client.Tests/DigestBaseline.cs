using System.Text.Json;

namespace ApexOrleans.Client.Tests;

/// <summary>
/// The digests of Sarah's day at seeds 1 to 50, recorded in <c>Baselines/sarahs-day-digests.json</c>: a change to the
/// runtime underneath the mesh (the move onto Orleans) must leave every one as it is. A change that means to alter what
/// the mesh does records them again with <c>APEX_RECORD_DIGESTS=1 dotnet test --filter EverySeedFromOneToFifty</c>,
/// and its commit says why.
/// </summary>
internal static class DigestBaseline
{
    private static string RecordedFile => Path.Combine(AppContext.BaseDirectory, "Baselines", "sarahs-day-digests.json");

    private static string SourceFile([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Baselines", "sarahs-day-digests.json");

    /// <summary>Asserts each seed's digest equals the recorded one (or records them all, on request, from a memory run).</summary>
    public static void AssertEqual(IReadOnlyDictionary<int, string> digests, string storage)
    {
        if (Environment.GetEnvironmentVariable("APEX_RECORD_DIGESTS") == "1" && storage == "memory")
        {
            File.WriteAllText(SourceFile(), JsonSerializer.Serialize(digests, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            return;
        }

        var recorded = JsonSerializer.Deserialize<Dictionary<int, string>>(File.ReadAllText(RecordedFile))!;
        var differ = digests.Where(d => recorded.GetValueOrDefault(d.Key) != d.Value).Select(d => d.Key).ToList();
        Assert.True(differ.Count == 0,
            $"on {storage}, seeds {string.Join(", ", differ)} no longer have their recorded digests (seed {differ.FirstOrDefault()}: " +
            $"{recorded.GetValueOrDefault(differ.FirstOrDefault())} recorded, {digests.GetValueOrDefault(differ.FirstOrDefault())} now)");
    }
}
