using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Envelope;

namespace ApexOrleans.Client.Scenarios;

/// <summary>
/// Reads a scenario file (JSON, schema in docs/scenarios.md) and checks all of it against the app catalog,
/// reporting every problem with its path. The runner knows nothing of a scenario beyond what this returns.
/// </summary>
public static partial class ScenarioLoader
{
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
        if (!File.Exists(path))
        {
            throw new ScenarioException(path, ["the file does not exist"]);
        }

        var bytes = File.ReadAllBytes(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ScenarioException(path, [$"not valid JSON: {e.Message}"]);
        }

        using (document)
        {
            return Read(document.RootElement, path, Convert.ToHexStringLower(SHA256.HashData(bytes)), catalog);
        }
    }

    private static Scenario Read(JsonElement root, string path, string sha256, AppCatalog catalog)
    {
        var problems = new List<string>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ScenarioException(path, ["the root must be an object"]);
        }

        var name = Text(root, "name", "name", problems, required: true) ?? "";
        if (name.Length > 0 && !NamePattern().IsMatch(name))
        {
            problems.Add("name: lower case letters, digits and '-', at most 41 characters");
        }

        var chaos = ReadChaos(root, catalog, problems);
        var beats = new List<ScenarioBeat>();
        if (!root.TryGetProperty("beats", out var beatList) || beatList.ValueKind != JsonValueKind.Array || beatList.GetArrayLength() == 0)
        {
            problems.Add("beats: a non-empty array is required");
        }
        else
        {
            var index = 0;
            foreach (var beat in beatList.EnumerateArray())
            {
                if (ReadBeat(beat, $"beats[{index}]", index + 1, catalog, problems) is { } read)
                {
                    beats.Add(read);
                }

                index++;
            }
        }

        // Order is checked on every beat's time, also of beats that have other problems, so all are listed at once.
        var times = beatList.ValueKind == JsonValueKind.Array
            ? beatList.EnumerateArray().Select(b => b.ValueKind == JsonValueKind.Object && b.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.String
                ? ParseTime(t.GetString()!) : null).ToList()
            : [];
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

        if (chaos?.Outage is { } outage && beats.Count > 0 && (outage.FromBeat > beats.Count || outage.FromBeat < 1))
        {
            problems.Add($"chaos.outage.fromBeat: {outage.FromBeat} is not a beat of this scenario (1 to {beats.Count})");
        }

        return problems.Count > 0 || chaos is null
            ? throw new ScenarioException(path, problems)
            : new Scenario(name, Text(root, "title", "title", problems) ?? name, Text(root, "description", "description", problems) ?? "",
                chaos, beats, Path.GetFullPath(path), sha256);
    }

    private static ScenarioChaos? ReadChaos(JsonElement root, AppCatalog catalog, List<string> problems)
    {
        if (!root.TryGetProperty("chaos", out var chaos) || chaos.ValueKind != JsonValueKind.Object)
        {
            problems.Add("chaos: an object is required (seed, rates, maxDelayMs, timeoutMs, maxRetries, baseBackoffMs)");
            return null;
        }

        double Rate(string field)
        {
            var value = Number(chaos, field, $"chaos.{field}", problems, 0);
            if (value is < 0 or > 1)
            {
                problems.Add($"chaos.{field}: {value} is not a share between 0 and 1");
            }

            return value;
        }

        int WholeAtLeast(string field, int fallback, int min)
        {
            var value = Number(chaos, field, $"chaos.{field}", problems, fallback);
            if (value != Math.Floor(value) || value < min || value > int.MaxValue)
            {
                problems.Add($"chaos.{field}: {value} must be a whole number ≥ {min}");
                return fallback;
            }

            return (int)value;
        }

        var seed = Number(chaos, "seed", "chaos.seed", problems, 0);
        if (seed != Math.Floor(seed) || Math.Abs(seed) > 9e15)
        {
            problems.Add($"chaos.seed: {seed} must be a whole number");
        }

        var result = new ScenarioChaos(
            (long)seed, Rate("duplicateRate"), Rate("outOfOrderRate"), Rate("timeoutRate"), Rate("networkFailureRate"), Rate("serverErrorRate"),
            Rate("responseLostRate"), WholeAtLeast("maxDelayMs", 0, 0), WholeAtLeast("timeoutMs", 30000, 1), WholeAtLeast("maxRetries", 2, 0), WholeAtLeast("baseBackoffMs", 500, 0),
            null);
        if (result.DuplicateRate + result.TimeoutRate + result.NetworkFailureRate + result.ServerErrorRate + result.ResponseLostRate > 1)
        {
            problems.Add("chaos: the attempt fault rates (duplicate, timeout, network, server error, response lost) add up to more than 1");
        }

        if (chaos.TryGetProperty("outage", out var outage) && outage.ValueKind == JsonValueKind.Object)
        {
            var app = Text(outage, "app", "chaos.outage.app", problems, required: true);
            var from = Whole(outage, "fromBeat", "chaos.outage.fromBeat", problems, 1);
            var to = Whole(outage, "toBeat", "chaos.outage.toBeat", problems, from);
            if (app is not null && catalog.Find(app) is null)
            {
                problems.Add($"chaos.outage.app: '{app}' is not an app of the catalog");
            }

            if (to < from)
            {
                problems.Add($"chaos.outage: toBeat {to} is before fromBeat {from}");
            }

            result = result with { Outage = app is null ? null : new ScenarioOutage(app, from, to) };
        }

        try
        {
            // The same checks the silo makes when the run's tenant is configured, reported here with the file's path.
            new Grains.Tenancy.TenantSettings { Delivery = result.ToDeliveryOptions() }.Validate();
        }
        catch (ArgumentException e)
        {
            problems.Add($"chaos (timeoutMs, maxRetries, baseBackoffMs): {e.Message}");
        }

        return result;
    }

    private static ScenarioBeat? ReadBeat(JsonElement beat, string where, int expectedNumber, AppCatalog catalog, List<string> problems)
    {
        if (beat.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{where}: a beat is an object");
            return null;
        }

        var count = problems.Count;
        var number = Whole(beat, "beat", $"{where}.beat", problems, expectedNumber);
        if (number != expectedNumber)
        {
            problems.Add($"{where}.beat: beats are numbered 1, 2, 3… in order; expected {expectedNumber}, found {number}");
        }

        var timeText = Text(beat, "time", $"{where}.time", problems, required: true);
        var time = DateTimeOffset.MinValue;
        if (timeText is not null)
        {
            if (ParseTime(timeText) is { } parsed)
            {
                time = parsed;
            }
            else
            {
                problems.Add($"{where}.time: '{timeText}' is not an RFC 3339 time with an offset (e.g. 2026-01-03T07:15:00Z)");
            }
        }

        EventEnvelope? envelope = null;
        if (!beat.TryGetProperty("event", out var eventJson))
        {
            problems.Add($"{where}.event: is required");
        }
        else
        {
            try
            {
                // The beat's number is the event's sequence: outage windows and reports count in beats.
                envelope = EnvelopeParser.Parse(eventJson) with { Sequence = expectedNumber };
                catalog.Route(envelope);
            }
            catch (PublishRejectedException e)
            {
                problems.Add($"{where}.event.{e.Rejection.Field}: {e.Rejection.Reason} ({e.Rejection.Code})");
            }
        }

        var chaos = ReadBeatChaos(beat, where, problems);
        var proofs = new List<DataProof>();
        if (beat.TryGetProperty("expect", out var expect))
        {
            if (expect.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"{where}.expect: must be an array of {{ app, table, key, fields }}");
            }
            else
            {
                var i = 0;
                foreach (var proof in expect.EnumerateArray())
                {
                    var at = $"{where}.expect[{i++}]";
                    if (proof.ValueKind != JsonValueKind.Object)
                    {
                        problems.Add($"{at}: a data proof is an object {{ app, table, key, fields }}");
                        continue;
                    }

                    var app = Text(proof, "app", $"{at}.app", problems, required: true);
                    var table = Text(proof, "table", $"{at}.table", problems, required: true);
                    var key = Text(proof, "key", $"{at}.key", problems, required: true);
                    if (app is not null && catalog.Find(app) is null)
                    {
                        problems.Add($"{at}.app: '{app}' is not an app of the catalog");
                    }

                    var fields = new Dictionary<string, JsonElement>();
                    if (proof.TryGetProperty("fields", out var f) && f.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var field in f.EnumerateObject())
                        {
                            fields[field.Name] = field.Value.Clone();
                        }
                    }

                    if (app is not null && table is not null && key is not null)
                    {
                        proofs.Add(new DataProof(app, table, key, fields));
                    }
                }
            }
        }

        return problems.Count == count && envelope is not null
            ? new ScenarioBeat(expectedNumber, time, Text(beat, "title", $"{where}.title", problems) ?? envelope.EventType, envelope, chaos, proofs)
            : null;
    }

    private static BeatChaos ReadBeatChaos(JsonElement beat, string where, List<string> problems)
    {
        if (!beat.TryGetProperty("chaos", out var chaos) || chaos.ValueKind == JsonValueKind.Null)
        {
            return BeatChaos.None;
        }

        if (chaos.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{where}.chaos: must be an object");
            return BeatChaos.None;
        }

        int Count(string field)
        {
            if (!chaos.TryGetProperty(field, out var value))
            {
                return 0;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.True:
                    return 1;
                case JsonValueKind.False:
                    return 0;
                case JsonValueKind.Number when value.TryGetInt32(out var n) && n >= 0:
                    return n;
                default:
                    problems.Add($"{where}.chaos.{field}: true, false or how many attempts (a whole number ≥ 0)");
                    return 0;
            }
        }

        int? delay = null;
        if (chaos.TryGetProperty("delayMs", out var d))
        {
            if (d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var ms) && ms >= 0)
            {
                delay = ms;
            }
            else
            {
                problems.Add($"{where}.chaos.delayMs: a whole number of milliseconds ≥ 0");
            }
        }

        foreach (var field in chaos.EnumerateObject().Select(p => p.Name)
                     .Except(["duplicate", "delayMs", "timeout", "networkFailure", "serverError", "responseLost"]))
        {
            problems.Add($"{where}.chaos.{field}: unknown; use duplicate, delayMs, timeout, networkFailure, serverError, responseLost");
        }

        return new BeatChaos(Count("duplicate") > 0, delay, Count("timeout"), Count("networkFailure"), Count("serverError"), Count("responseLost"));
    }

    private static string? Text(JsonElement element, string field, string where, List<string> problems, bool required = false)
    {
        if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                problems.Add($"{where}: is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            problems.Add($"{where}: must be a non-empty string");
            return null;
        }

        return text;
    }

    private static int Whole(JsonElement element, string field, string where, List<string> problems, int fallback)
    {
        var value = Number(element, field, where, problems, fallback);
        if (value != Math.Floor(value) || value is < int.MinValue or > int.MaxValue)
        {
            problems.Add($"{where}: {value} must be a whole number");
            return fallback;
        }

        return (int)value;
    }

    private static double Number(JsonElement element, string field, string where, List<string> problems, double fallback)
    {
        if (!element.TryGetProperty(field, out var value))
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            problems.Add($"{where}: must be a number");
            return fallback;
        }

        return value.GetDouble();
    }
}

/// <summary>The scenario file is wrong; every problem found is listed with its path.</summary>
public sealed class ScenarioException(string path, IReadOnlyList<string> problems)
    : Exception($"{path}: {problems.Count} problem(s):\n- {string.Join("\n- ", problems)}")
{
    /// <summary>Each problem, as <c>path: reason</c>.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
