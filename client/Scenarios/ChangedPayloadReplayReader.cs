using System.Text.Json;
using System.Text.Json.Nodes;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Client.Scenarios;

/// <summary>
/// Reads <c>replayWithChangedPayload</c>: a client that retries a beat with the beat's idempotency key but a changed
/// payload. In a beat's <c>chaos</c> it is <c>{ "data": { fields } }</c>; in the scenario's <c>chaos</c> it is
/// <c>{ "beat": N, "data": { fields } }</c> or a list of them. The fields are set over the beat's payload, and the
/// result must differ from it: the mesh must refuse the replay as a reuse of the key, and it must change nothing.
/// </summary>
internal static class ChangedPayloadReplayReader
{
    /// <summary>The key, in a beat's <c>chaos</c> and in the scenario's.</summary>
    public const string Key = "replayWithChangedPayload";

    private static readonly string[] BeatKeys = ["data"];

    private static readonly string[] ScenarioKeys = ["beat", "data"];

    /// <summary>The beat's event with its payload changed as a beat's <c>chaos.replayWithChangedPayload</c> says; null when it says nothing.</summary>
    public static EventEnvelope? ReadBeat(ConfigObject beatChaos, EventEnvelope? original) =>
        beatChaos.Object(Key, BeatKeys) is { } replay && original is not null ? Changed(replay, original) : null;

    /// <summary>
    /// The beats with the replays of the scenario's <c>chaos.replayWithChangedPayload</c> (<paramref name="section"/>, at
    /// <paramref name="path"/>) added; a beat scripted twice, in its own chaos and the scenario's, is a problem.
    /// </summary>
    public static List<ScenarioBeat> ReadScenario(JsonElement? section, string path, List<ScenarioBeat> beats, List<string> problems)
    {
        if (section is not { } value)
        {
            return beats;
        }

        var items = value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select((item, i) => (Item: item, Path: $"{path}[{i}]")).ToList()
            : [(value, path)];
        var changed = beats.ToList();
        foreach (var (item, at) in items)
        {
            if (ConfigObject.Read(item, at, problems, ScenarioKeys) is not { } replay || replay.WholeNumber("beat", required: true) is not { } number)
            {
                continue;
            }

            var index = changed.FindIndex(b => b.Number == number);
            if (index < 0)
            {
                replay.Problem("beat", $"{number} is not a beat of this scenario (1 to {beats.Count})");
            }
            else if (changed[index].ReplayWithChangedPayload is not null)
            {
                replay.Problem("beat", $"beat {number} already replays with a changed payload; a beat is replayed once");
            }
            else if (Changed(replay, changed[index].Event) is { } envelope)
            {
                changed[index] = changed[index] with { ReplayWithChangedPayload = envelope };
            }
        }

        return changed;
    }

    /// <summary>The event with the replay's <c>data</c> fields set over its payload; null (with a problem) when they change nothing.</summary>
    private static EventEnvelope? Changed(ConfigObject replay, EventEnvelope original)
    {
        if (replay.Map("data", required: true) is not { } fields)
        {
            return null;
        }

        var data = JsonNode.Parse(original.Data.GetRawText())!.AsObject();
        foreach (var (name, value, _) in fields.Entries())
        {
            data[name] = JsonNode.Parse(value.GetRawText());
        }

        var changed = JsonSerializer.SerializeToElement(data);
        if (JsonNode.DeepEquals(JsonNode.Parse(original.Data.GetRawText()), data))
        {
            replay.Problem("data", "sets every field to the value it has: a replay with the same payload is a duplicate (\"duplicate\": true), not a changed payload");
            return null;
        }

        return original with { Data = changed };
    }
}
