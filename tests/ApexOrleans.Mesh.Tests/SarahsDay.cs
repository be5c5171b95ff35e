using System.Text.Json;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Mesh.Tests;

/// <summary>The 13 events of the story, read from scenarios/sarahs-day.json (the one copy of them).</summary>
internal static class SarahsDay
{
    public sealed record Beat(int Number, DateTimeOffset Time, EventEnvelope Event);

    public static IReadOnlyList<Beat> Beats { get; } = Load();

    public static Beat Get(int number) => Beats[number - 1];

    private static List<Beat> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "scenarios", "sarahs-day.json")));
        return document.RootElement.GetProperty("beats").EnumerateArray()
            .Select(b => new Beat(b.GetProperty("beat").GetInt32(), b.GetProperty("time").GetDateTimeOffset(), EnvelopeParser.Parse(b.GetProperty("event"))))
            .ToList();
    }
}
