using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Client.Scenarios;

/// <summary>
/// Reads a scenario file (JSON, schema in docs/scenarios.md) strictly and checks all of it against the app catalog,
/// reporting every problem with its path. The runner knows nothing of a scenario beyond what this returns.
/// </summary>
public static partial class ScenarioLoader
{
    private static readonly string[] RootKeys = ["name", "title", "description", "chaos", "beats", "criteria", "$comment"];

    private static readonly string[] BeatKeys = ["beat", "time", "title", "chaos", "event", "expect"];

    private static readonly string[] ProofKeys = ["app", "table", "key", "fields"];

    [GeneratedRegex("\\A[a-z0-9][a-z0-9-]{0,40}\\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})\z")]
    private static partial Regex Rfc3339Pattern();

    /// <summary>An RFC 3339 time with its offset (no date-only, no local time: a run must not depend on the machine's zone).</summary>
    private static DateTimeOffset? ParseTime(string text) =>
        Rfc3339Pattern().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    /// <summary>Loads and checks a scenario file.</summary>
    public static Scenario Load(string path, AppCatalog catalog)
    {
        var (document, bytes) = ConfigJson.ReadFile(path);
        using (document)
        {
            return Read(document.RootElement, path, Convert.ToHexStringLower(SHA256.HashData(bytes)), catalog)
                with { SourceText = Encoding.UTF8.GetString(bytes), Catalog = catalog };
        }
    }

    /// <summary>Checks a scenario given as text (a bundle's <c>scenario.json</c>); <paramref name="origin"/> names it in errors.</summary>
    public static Scenario Parse(string text, string origin, AppCatalog catalog)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var document = ConfigJson.Parse(bytes);
        return Read(document.RootElement, origin, Convert.ToHexStringLower(SHA256.HashData(bytes)), catalog) with { SourceText = text, Catalog = catalog };
    }

    private static Scenario Read(JsonElement element, string path, string sha256, AppCatalog catalog)
    {
        var problems = new List<string>();
        var root = ConfigObject.Read(element, "", problems, RootKeys) ?? throw new ConfigFileException(path, ["the root must be an object"]);
        var name = root.Text("name", required: true) ?? "";
        if (name.Length > 0 && !NamePattern().IsMatch(name))
        {
            problems.Add("name: lower case letters, digits and '-', at most 41 characters");
        }

        var title = root.Text("title");
        var description = root.Text("description");
        var section = ScenarioChaosReader.Read(root, catalog, problems);
        var beatList = root.Array("beats");
        if (beatList is not { Count: > 0 })
        {
            problems.Add("beats: a non-empty array is required");
        }

        var beats = new List<ScenarioBeat>();
        var times = new List<DateTimeOffset?>();
        foreach (var (item, at) in beatList ?? [])
        {
            var number = times.Count + 1;
            var beat = ReadBeat(item, at, number, catalog, problems, out var time);
            times.Add(time);
            if (beat is not null)
            {
                beats.Add(beat);
            }
        }

        // Order is checked on every beat's time, also of beats that have other problems, so all are listed at once.
        for (var i = 1; i < times.Count; i++)
        {
            if (times[i] is { } current && times[i - 1] is { } previous && current < previous)
            {
                problems.Add($"beats[{i}].time: {current:O} is before the previous beat's time; beats run forward in time");
            }
        }

        foreach (var group in beats.GroupBy(b => b.Event.IdempotencyKey).Where(g => g.Count() > 1))
        {
            problems.Add($"beats {string.Join(", ", group.Select(b => b.Number))}: share the idempotency key '{group.Key}'; each beat publishes its own event");
        }

        if (section?.Chaos.Outages is { Count: > 0 } outages && times.Count > 0)
        {
            ScenarioChaosReader.CheckOutageWindows(outages, root.Value("chaos")?.TryGetProperty("outages", out _) == true, times.Count, problems);
        }

        if (section is not null && beats.Count == times.Count)
        {
            var replays = root.Value("chaos")!.Value.TryGetProperty(ChangedPayloadReplayReader.Key, out var r) && r.ValueKind != JsonValueKind.Null ? r : (JsonElement?)null;
            beats = ChangedPayloadReplayReader.ReadScenario(replays, $"chaos.{ChangedPayloadReplayReader.Key}", beats, problems);
        }

        var expectedNotExercised = ScenarioCriteriaReader.Read(root);
        return problems.Count > 0 || section is not { } read
            ? throw new ConfigFileException(path, problems)
            : new Scenario(name, title ?? name, description ?? "", read.Chaos, read.Delivery, beats, Path.GetFullPath(path), sha256) { ExpectedNotExercised = expectedNotExercised };
    }

    private static ScenarioBeat? ReadBeat(JsonElement item, string where, int expectedNumber, AppCatalog catalog, List<string> problems, out DateTimeOffset? time)
    {
        time = null;
        var count = problems.Count;
        if (ConfigObject.Read(item, where, problems, BeatKeys) is not { } beat)
        {
            return null;
        }

        var number = beat.WholeNumber("beat") ?? expectedNumber;
        if (number != expectedNumber)
        {
            beat.Problem("beat", $"beats are numbered 1, 2, 3… in order; expected {expectedNumber}, found {number}");
        }

        if (beat.Text("time", required: true) is { } timeText)
        {
            time = ParseTime(timeText);
            if (time is null)
            {
                beat.Problem("time", $"'{timeText}' is not an RFC 3339 time with an offset (e.g. 2026-01-03T07:15:00Z)");
            }
        }

        var title = beat.Text("title");
        var envelope = ReadEvent(beat, expectedNumber, catalog, problems);
        var (chaos, changedReplay) = ScenarioChaosReader.ReadBeat(beat, envelope);
        var proofs = ReadProofs(beat, catalog, problems);
        return problems.Count == count && envelope is not null && time is { } at
            ? new ScenarioBeat(expectedNumber, at, title ?? envelope.EventType, envelope, chaos, proofs) { ReplayWithChangedPayload = changedReplay }
            : null;
    }

    private static EventEnvelope? ReadEvent(ConfigObject beat, int number, AppCatalog catalog, List<string> problems)
    {
        if (beat.Value("event") is not { } json)
        {
            beat.Problem("event", "is required");
            return null;
        }

        var count = problems.Count;
        var cloudEvent = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("specversion", out _);
        if (ConfigObject.Read(json, beat.At("event"), problems, cloudEvent ? EnvelopeFields.CloudEvent : EnvelopeFields.Story) is { } fields)
        {
            foreach (var payload in new[] { "payload", "data" })
            {
                if (fields.Value(payload) is { } data)
                {
                    ConfigJson.RefuseDuplicateKeys(data, fields.At(payload), problems);
                }
            }
        }

        try
        {
            // The beat's number is the event's sequence: outage windows and reports count in beats.
            var envelope = EnvelopeParser.Parse(json) with { Sequence = number };
            catalog.Route(envelope);
            return problems.Count == count ? envelope : null;
        }
        catch (PublishRejectedException e)
        {
            problems.Add($"{beat.At("event")}.{e.Rejection.Field}: {e.Rejection.Reason} ({e.Rejection.Code})");
            return null;
        }
    }

    private static List<DataProof> ReadProofs(ConfigObject beat, AppCatalog catalog, List<string> problems)
    {
        var proofs = new List<DataProof>();
        foreach (var (item, at) in beat.Array("expect") ?? [])
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{at}: a data proof is an object {{ app, table, key, fields }}");
                continue;
            }

            var proof = ConfigObject.Read(item, at, problems, ProofKeys)!;
            var app = proof.Text("app", required: true);
            var table = proof.Text("table", required: true);
            var key = proof.Text("key", required: true);
            if (app is not null && catalog.Find(app) is null)
            {
                proof.Problem("app", $"'{app}' is not an app of the catalog");
            }

            var fields = new Dictionary<string, JsonElement>();
            foreach (var (field, value, path) in proof.Map("fields")?.Entries() ?? [])
            {
                ConfigJson.RefuseDuplicateKeys(value, path, problems);
                fields[field] = value.Clone();
            }

            if (app is not null && table is not null && key is not null)
            {
                proofs.Add(new DataProof(app, table, key, fields));
            }
        }

        return proofs;
    }
}
