using System.Text.Json;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Configuration;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Idempotency;

namespace ApexOrleans.Client.Scenarios;

/// <summary>Reads a scenario's <c>chaos</c> (its rates, reliability settings and outage) and a beat's scripted faults.</summary>
internal static class ScenarioChaosReader
{
    private static readonly string[] ChaosKeys =
    [
        "seed", "duplicateRate", "outOfOrderRate", "timeoutRate", "networkFailureRate", "serverErrorRate", "responseLostRate",
        "maxDelayMs", "timeoutMs", "maxRetries", "baseBackoffMs", "outage",
    ];

    private static readonly string[] OutageKeys = ["app", "fromBeat", "toBeat"];

    private static readonly string[] BeatChaosKeys = ["duplicate", "delayMs", "timeout", "networkFailure", "serverError", "responseLost"];

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
        var delivery = Delivery(section.WholeNumber("timeoutMs", min: 1) ?? 30000, section.WholeNumber("maxRetries", min: 0) ?? 2,
            section.WholeNumber("baseBackoffMs", min: 0) ?? 500);
        chaos = chaos with { Outage = Outage(section, catalog) };
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
            problems.Add($"chaos (timeoutMs, maxRetries, baseBackoffMs): {e.Message}");
        }

        return (chaos, delivery);
    }

    /// <summary>
    /// Both ends of the outage window name beats of the scenario: the app is down from beat fromBeat and back when beat
    /// toBeat is published, so 1 ≤ fromBeat ≤ toBeat ≤ the last beat (fromBeat = toBeat is an empty window).
    /// </summary>
    public static void CheckOutageWindow(OutageWindow outage, int beats, List<string> problems)
    {
        if (outage.FromSequence < 1 || outage.FromSequence > beats)
        {
            problems.Add($"chaos.outage.fromBeat: {outage.FromSequence} is not a beat of this scenario (1 to {beats})");
        }

        if (outage.ToSequence < 1 || outage.ToSequence > beats)
        {
            problems.Add($"chaos.outage.toBeat: {outage.ToSequence} is not a beat of this scenario (1 to {beats}); the app is back when beat toBeat is published, so the window must end within the day");
        }
    }

    /// <summary>A beat's scripted faults (none when it has no <c>chaos</c>).</summary>
    public static ScriptedFaults ReadBeat(ConfigObject beat)
    {
        if (beat.Object("chaos", BeatChaosKeys) is not { } chaos)
        {
            return ScriptedFaults.None;
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

        return new ScriptedFaults(Count("duplicate") > 0, delay, Count("timeout"), Count("networkFailure"), Count("serverError"), Count("responseLost"));
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
    private static DeliveryOptions Delivery(int timeoutMs, int maxRetries, int baseBackoffMs)
    {
        var options = new DeliveryOptions
        {
            MaxRetries = maxRetries,
            BaseBackoff = TimeSpan.FromMilliseconds(baseBackoffMs),
            AttemptTimeout = TimeSpan.FromMilliseconds(timeoutMs),
        };
        return options with { DeadLetterAfterAttempts = Math.Max(options.DeadLetterAfterAttempts, maxRetries + 2) };
    }

    /// <summary>The outage window, in beats: a beat's number is its event's sequence (<see cref="ScenarioLoader"/>).</summary>
    private static OutageWindow? Outage(ConfigObject chaos, AppCatalog catalog)
    {
        if (chaos.Object("outage", OutageKeys) is not { } outage)
        {
            return null;
        }

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
