using System.Text.Json;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Idempotency;

namespace ApexOrleans.Client.Scenarios;

/// <summary>Reads a scenario's <c>chaos</c> (its rates, reliability settings and outages) and a beat's scripted faults.</summary>
internal static class ScenarioChaosReader
{
    private static readonly string[] ChaosKeys =
    [
        "seed", "duplicateRate", "outOfOrderRate", "timeoutRate", "networkFailureRate", "serverErrorRate", "responseLostRate",
        "maxDelayMs", "timeoutMs", "connectTimeoutMs", "maxRetries", "baseBackoffMs", "outage", "outages", ChangedPayloadReplayReader.Key,
    ];

    private static readonly string[] OutageKeys = ["app", "fromBeat", "toBeat"];

    private static readonly string[] BeatChaosKeys = ["duplicate", "delayMs", "timeout", "networkFailure", "serverError", "responseLost", ChangedPayloadReplayReader.Key];

    /// <summary>The scenario's chaos and reliability settings, or null (with problems) when there is no section to read.</summary>
    public static (ChaosSettings Chaos, DeliveryOptions Delivery)? Read(ConfigObject root, AppCatalog catalog, List<string> problems)
    {
        if (root.Value("chaos") is null) // missing, or null
        {
            problems.Add("chaos: an object is required (seed, rates, maxDelayMs, timeoutMs, maxRetries, baseBackoffMs)");
            return null;
        }

        if (root.Object("chaos", ChaosKeys) is not { } section)
        {
            return null;
        }

        double Rate(string field)
        {
            var value = section.Number(field) ?? 0;
            if (value is < 0 or > 1)
            {
                section.Problem(field, $"{value} is not a share between 0 and 1");
            }

            return value;
        }

        var chaos = new ChaosSettings
        {
            Seed = Seed(section),
            DuplicateRate = Rate("duplicateRate"),
            OutOfOrderRate = Rate("outOfOrderRate"),
            TimeoutRate = Rate("timeoutRate"),
            NetworkFailureRate = Rate("networkFailureRate"),
            ServerErrorRate = Rate("serverErrorRate"),
            ResponseLostRate = Rate("responseLostRate"),
            MaxDelay = TimeSpan.FromMilliseconds(section.WholeNumber("maxDelayMs", min: 0) ?? 0),
        };

        // Read before the outage, so that problems are listed in the order the schema gives the fields.
        var delivery = Delivery(section.WholeNumber("timeoutMs", min: 1) ?? 30000, section.WholeNumber("connectTimeoutMs", min: 1) ?? 2000,
            section.WholeNumber("maxRetries", min: 0) ?? 2, section.WholeNumber("baseBackoffMs", min: 0) ?? 500);
        chaos = chaos with { Outages = Outages(section, catalog) };
        if (chaos.AttemptFaultShare() > 1)
        {
            problems.Add("chaos: the attempt fault rates (duplicate, timeout, network, server error, response lost) add up to more than 1");
        }

        try
        {
            // The same checks the silo makes when the run's tenant is configured, reported here with the file's path.
            delivery.Validate();
            new IdempotencyOptions().ValidateAgainst(delivery);
        }
        catch (ArgumentException e)
        {
            problems.Add($"chaos (timeoutMs, connectTimeoutMs, maxRetries, baseBackoffMs): {e.Message}");
        }

        return (chaos, delivery);
    }

    /// <summary>
    /// Both ends of each outage window name beats of the scenario: the app is down from beat fromBeat and back when beat
    /// toBeat is published, so 1 ≤ fromBeat ≤ toBeat ≤ the last beat (fromBeat = toBeat is an empty window).
    /// </summary>
    public static void CheckOutageWindows(IReadOnlyList<OutageWindow> outages, bool listed, int beats, List<string> problems)
    {
        for (var i = 0; i < outages.Count; i++)
        {
            var (outage, at) = (outages[i], listed ? $"chaos.outages[{i}]" : "chaos.outage");
            if (outage.FromSequence < 1 || outage.FromSequence > beats)
            {
                problems.Add($"{at}.fromBeat: {outage.FromSequence} is not a beat of this scenario (1 to {beats})");
            }

            if (outage.ToSequence < 1 || outage.ToSequence > beats)
            {
                problems.Add($"{at}.toBeat: {outage.ToSequence} is not a beat of this scenario (1 to {beats}); the app is back when beat toBeat is published, so the window must end within the day");
            }
        }
    }

    /// <summary>A beat's scripted faults (none when it has no <c>chaos</c>), and its event replayed with a changed payload, if scripted.</summary>
    public static (ScriptedFaults Faults, Contracts.Envelope.EventEnvelope? ChangedReplay) ReadBeat(ConfigObject beat, Contracts.Envelope.EventEnvelope? envelope)
    {
        if (beat.Object("chaos", BeatChaosKeys) is not { } chaos)
        {
            return (ScriptedFaults.None, null);
        }

        int Count(string field)
        {
            switch (chaos.Value(field))
            {
                case null:
                case { ValueKind: JsonValueKind.False }:
                    return 0;
                case { ValueKind: JsonValueKind.True }:
                    return 1;
                case { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var n) && n >= 0:
                    return n;
                default:
                    chaos.Problem(field, "true, false or how many attempts (a whole number ≥ 0)");
                    return 0;
            }
        }

        TimeSpan? delay = null;
        if (chaos.Value("delayMs") is { } d)
        {
            if (d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var ms) && ms >= 0)
            {
                delay = TimeSpan.FromMilliseconds(ms);
            }
            else
            {
                chaos.Problem("delayMs", "a whole number of milliseconds ≥ 0");
            }
        }

        return (new ScriptedFaults(Count("duplicate") > 0, delay, Count("timeout"), Count("networkFailure"), Count("serverError"), Count("responseLost")),
            ChangedPayloadReplayReader.ReadBeat(chaos, envelope));
    }

    /// <summary>The seed, by the same rule as <c>--seed</c> (<see cref="ChaosSeed"/>): the number as written must be one.</summary>
    private static long Seed(ConfigObject chaos)
    {
        if (chaos.Value("seed") is not { } value)
        {
            return 0;
        }

        var text = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : null;
        if (text is not null && ChaosSeed.TryParse(text, out var seed))
        {
            return seed;
        }

        chaos.Problem("seed", text is null ? $"{ChaosSeed.Rule}, not {ConfigJson.Describe(value.ValueKind)}" : $"{text} {ChaosSeed.Rule}");
        return 0;
    }

    /// <summary>The delivery options the section's numbers ask for; dead-lettering waits at least until the retries are spent.</summary>
    /// <remarks>An attempt to a remote app connects within <c>connectTimeoutMs</c> and reads its answer within <c>timeoutMs</c>.</remarks>
    private static DeliveryOptions Delivery(int timeoutMs, int connectTimeoutMs, int maxRetries, int baseBackoffMs)
    {
        var options = new DeliveryOptions
        {
            MaxRetries = maxRetries,
            BaseBackoff = TimeSpan.FromMilliseconds(baseBackoffMs),
            AttemptTimeout = TimeSpan.FromMilliseconds(timeoutMs),
            ConnectTimeout = TimeSpan.FromMilliseconds(connectTimeoutMs),
        };
        return options with { DeadLetterAfterAttempts = Math.Max(options.DeadLetterAfterAttempts, maxRetries + 2) };
    }

    /// <summary>
    /// The outage windows, in beats (a beat's number is its event's sequence, <see cref="ScenarioLoader"/>): one
    /// <c>outage</c>, or a list of them in <c>outages</c>. Windows of one app must not overlap; of different apps they may.
    /// </summary>
    private static IReadOnlyList<OutageWindow> Outages(ConfigObject chaos, AppCatalog catalog)
    {
        if (chaos.Has("outage") && chaos.Has("outages"))
        {
            chaos.Problem("outages", "give one outage in \"outage\" or a list in \"outages\", not both");
            return [];
        }

        var windows = new List<OutageWindow>();
        if (chaos.Object("outage", OutageKeys) is { } single)
        {
            windows.AddRange(Window(single, catalog) is { } window ? [window] : []);
            return windows;
        }

        foreach (var (item, path) in chaos.Array("outages") ?? [])
        {
            if (chaos.Item(item, path, OutageKeys) is not { } outage || Window(outage, catalog) is not { } window)
            {
                continue;
            }

            if (windows.FirstOrDefault(w => w.App == window.App && w.FromSequence < window.ToSequence && window.FromSequence < w.ToSequence) is { } other)
            {
                outage.Problem("fromBeat", $"{window.App} from beat {window.FromSequence} until beat {window.ToSequence} overlaps its window from beat {other.FromSequence} until beat {other.ToSequence}");
            }

            windows.Add(window);
        }

        return windows;
    }

    private static OutageWindow? Window(ConfigObject outage, AppCatalog catalog)
    {
        var app = outage.Text("app", required: true);
        var from = outage.WholeNumber("fromBeat", required: true);
        var to = outage.WholeNumber("toBeat", required: true);
        if (app is not null && catalog.Find(app) is null)
        {
            outage.Problem("app", $"'{app}' is not an app of the catalog");
        }

        if (to < from)
        {
            outage.Problem("toBeat", $"{to} is before fromBeat {from}");
        }

        return app is null || from is null || to is null ? null : new OutageWindow(app, from.Value, to.Value);
    }
}
