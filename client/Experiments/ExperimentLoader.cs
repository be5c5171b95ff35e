using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ApexOrleans.Client.Cli;
using ApexOrleans.Grains.Chaos;

namespace ApexOrleans.Client.Experiments;

/// <summary>An experiment file that cannot be run: every problem, each as <c>path: reason</c>.</summary>
public sealed class ExperimentException(string path, IReadOnlyList<string> problems)
    : Exception($"{path}: {problems.Count} problem(s):\n- {string.Join("\n- ", problems)}")
{
    /// <summary>Each problem.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Reads an experiment file and checks it whole: every problem is listed before anything runs.</summary>
public static partial class ExperimentLoader
{
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Loads <paramref name="path"/>; throws <see cref="ExperimentException"/> listing every problem.</summary>
    public static ExperimentDefinition Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ExperimentException(path, ["no such file"]);
        }

        var bytes = File.ReadAllBytes(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, Options);
        }
        catch (JsonException e)
        {
            throw new ExperimentException(path, [$"not JSON: {e.Message}"]);
        }

        using (document)
        {
            var problems = new List<string>();
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ExperimentException(path, ["the file must hold one JSON object"]);
            }

            Known(root, "", problems, "id", "title", "owner", "hypothesis", "steadyState", "method", "expected", "safeguards", "rollback", "rto", "$schema");
            var id = Text(root, "id", problems) ?? "";
            if (id.Length > 0 && !IdPattern().IsMatch(id))
            {
                problems.Add($"id: '{id}' must be upper-case letters, digits and '-' (e.g. EX-01), at most 32");
            }

            var steady = Object(root, "steadyState", problems);
            var method = Object(root, "method", problems);
            var expected = Object(root, "expected", problems);
            var definition = new ExperimentDefinition
            {
                Id = id,
                Title = Text(root, "title", problems) ?? "",
                Owner = Text(root, "owner", problems) ?? "",
                Hypothesis = Text(root, "hypothesis", problems) ?? "",
                SteadyState = steady is { } s ? SteadyStateOf(s, problems) : new SteadyState(TimeSpan.Zero, []),
                Method = method is { } m ? MethodOf(m, Path.GetDirectoryName(Path.GetFullPath(path))!, problems) : new ExperimentMethod("", TimeSpan.Zero, 0, 0, TimeSpan.Zero, TimeSpan.Zero, []),
                Expected = expected is { } e ? ExpectedOf(e, problems) : new ExpectedOutcome("", []),
                Safeguards = Probes(root, "safeguards", "safeguards", problems, ProbeTiming.Live),
                Rollback = Text(root, "rollback", problems) ?? "",
                Rto = Duration(root, "rto", "rto", problems) ?? TimeSpan.Zero,
                SourcePath = path,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            };
            if (definition.Safeguards.Count == 0 && root.TryGetProperty("safeguards", out _))
            {
                problems.Add("safeguards: name at least one abort condition");
            }

            foreach (var step in definition.Method.Faults)
            {
                if (step.At + step.For > definition.Method.Duration)
                {
                    problems.Add($"method.faults: '{step.Kind}' ends at {(step.At + step.For).TotalSeconds:0.###} s, after the method's {definition.Method.Duration.TotalSeconds:0.###} s");
                }
            }

            if (problems.Count > 0)
            {
                throw new ExperimentException(path, problems);
            }

            return definition;
        }
    }

    private static SteadyState SteadyStateOf(JsonElement element, List<string> problems)
    {
        Known(element, "steadyState.", problems, "window", "probes");
        var window = element.TryGetProperty("window", out _) ? Duration(element, "window", "steadyState.window", problems) ?? TimeSpan.Zero : TimeSpan.FromSeconds(5);
        var probes = Probes(element, "probes", "steadyState.probes", problems, null);
        if (probes.Count == 0 && element.TryGetProperty("probes", out _))
        {
            problems.Add("steadyState.probes: name at least one probe");
        }

        return new SteadyState(window, probes);
    }

    private static ExpectedOutcome ExpectedOf(JsonElement element, List<string> problems)
    {
        Known(element, "expected.", problems, "outcome", "probes");
        return new ExpectedOutcome(Text(element, "outcome", problems, "expected.outcome") ?? "", Probes(element, "probes", "expected.probes", problems, ProbeTiming.Live));
    }

    private static ExperimentMethod MethodOf(JsonElement element, string folder, List<string> problems)
    {
        Known(element, "method.", problems, "scenario", "beatInterval", "tenantsPerSecond", "maxTenantsInFlight", "circuitBreak", "duration", "faults");
        var scenario = Text(element, "scenario", problems, "method.scenario") ?? "";
        if (scenario.Length > 0)
        {
            // Relative to the experiment file first (a catalogue carries its scenarios), else to the working folder.
            var besideFile = Path.Combine(folder, scenario);
            scenario = File.Exists(besideFile) ? besideFile : scenario;
            if (!File.Exists(scenario))
            {
                problems.Add($"method.scenario: '{scenario}' does not exist");
            }
        }

        var rate = Number(element, "tenantsPerSecond", "method.tenantsPerSecond", problems, 2);
        if (rate is <= 0 or > 1000)
        {
            problems.Add("method.tenantsPerSecond: must be greater than 0 and at most 1000");
        }

        var inFlight = Number(element, "maxTenantsInFlight", "method.maxTenantsInFlight", problems, 256);
        if (inFlight < 1 || inFlight != Math.Floor(inFlight))
        {
            problems.Add("method.maxTenantsInFlight: must be a whole number ≥ 1");
        }

        var faults = new List<FaultStep>();
        if (!element.TryGetProperty("faults", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            problems.Add("method.faults: is required: a list of at least one fault");
        }
        else
        {
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var at = $"method.faults[{index++}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{at}: must be an object");
                    continue;
                }

                faults.Add(FaultOf(item, at, problems));
            }
        }

        return new ExperimentMethod(
            scenario,
            element.TryGetProperty("beatInterval", out _) ? Duration(element, "beatInterval", "method.beatInterval", problems) ?? TimeSpan.Zero : TimeSpan.FromMilliseconds(200),
            rate,
            (int)Math.Clamp(inFlight, 1, int.MaxValue),
            element.TryGetProperty("circuitBreak", out _) ? Duration(element, "circuitBreak", "method.circuitBreak", problems) ?? TimeSpan.Zero : TimeSpan.FromSeconds(2),
            Duration(element, "duration", "method.duration", problems) ?? TimeSpan.Zero,
            faults);
    }

    private static FaultStep FaultOf(JsonElement item, string at, List<string> problems)
    {
        Known(item, at + ".", problems, "kind", "app", "delayMs", "factor", "at", "for");
        var kind = Text(item, "kind", problems, $"{at}.kind") ?? "";
        if (kind.Length > 0 && !ExperimentFaultKinds.All.Contains(kind))
        {
            problems.Add($"{at}.kind: '{kind}' is not one of {string.Join(", ", ExperimentFaultKinds.All)}");
        }

        var app = item.TryGetProperty("app", out var a) ? a.GetString() : null;
        double? delay = item.TryGetProperty("delayMs", out _) ? Number(item, "delayMs", $"{at}.delayMs", problems, 0) : null;
        double? factor = item.TryGetProperty("factor", out _) ? Number(item, "factor", $"{at}.factor", problems, 0) : null;
        if (kind == InjectedFaultKinds.AppOutage && string.IsNullOrWhiteSpace(app))
        {
            problems.Add($"{at}.app: an app-outage needs the app it takes down");
        }

        if (kind == InjectedFaultKinds.DeliveryDelay && delay is not > 0)
        {
            problems.Add($"{at}.delayMs: a delivery-delay needs a delay greater than 0");
        }

        if (kind == ExperimentFaultKinds.Burst && factor is not > 1)
        {
            problems.Add($"{at}.factor: a burst needs a factor greater than 1 (10 = ten times the traffic)");
        }

        var start = item.TryGetProperty("at", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() is "0" or "0s"
            ? TimeSpan.Zero
            : Duration(item, "at", $"{at}.at", problems) ?? TimeSpan.Zero;
        return new FaultStep(kind, app, delay, factor, start, Duration(item, "for", $"{at}.for", problems) ?? TimeSpan.Zero);
    }

    private static List<ProbeTolerance> Probes(JsonElement element, string name, string at, List<string> problems, ProbeTiming? only)
    {
        var probes = new List<ProbeTolerance>();
        if (!element.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{at}: is required: a list of probes with limits");
            return probes;
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var here = $"{at}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{here}: must be an object such as {{ \"probe\": \"error-rate\", \"max\": 0.1 }}");
                continue;
            }

            Known(item, here + ".", problems, "probe", "max", "min", "apps", "except", "holds");
            var holds = !item.TryGetProperty("holds", out var h) ? "always" : h.ValueKind == JsonValueKind.String ? h.GetString() : null;
            if (holds is not ("always" or "eventually"))
            {
                problems.Add($"{here}.holds: must be \"always\" (every sample while faults are on) or \"eventually\" (at least one)");
            }

            var probe = Text(item, "probe", problems, $"{here}.probe") ?? "";
            if (probe.Length > 0 && !ProbeCatalog.All.TryGetValue(probe, out var definition))
            {
                problems.Add($"{here}.probe: '{probe}' is not a probe; known: {string.Join(", ", ProbeCatalog.All.Keys)}");
            }
            else if (probe.Length > 0 && only is { } timing && ProbeCatalog.All[probe].Timing != timing)
            {
                problems.Add($"{here}.probe: '{probe}' is only known at the end of the experiment; here only live probes can be used");
            }

            double? max = item.TryGetProperty("max", out _) ? Number(item, "max", $"{here}.max", problems, 0) : null;
            double? min = item.TryGetProperty("min", out _) ? Number(item, "min", $"{here}.min", problems, 0) : null;
            if (max is null && min is null)
            {
                problems.Add($"{here}: give a limit: max, min or both");
            }

            probes.Add(new ProbeTolerance(probe, max, min, Names(item, "apps", $"{here}.apps", problems), Names(item, "except", $"{here}.except", problems), holds == "eventually"));
        }

        return probes;
    }

    private static List<string> Names(JsonElement element, string name, string at, List<string> problems)
    {
        if (!element.TryGetProperty(name, out var list))
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
        {
            problems.Add($"{at}: must be a list of app ids");
            return [];
        }

        return list.EnumerateArray().Select(i => i.GetString()!).ToList();
    }

    private static void Known(JsonElement element, string at, List<string> problems, params string[] names)
    {
        foreach (var property in element.EnumerateObject().Where(p => !names.Contains(p.Name)))
        {
            problems.Add($"{at}{property.Name}: is not a field here; known: {string.Join(", ", names.Where(n => n != "$schema"))}");
        }
    }

    private static JsonElement? Object(JsonElement element, string name, List<string> problems)
    {
        if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object)
        {
            return value;
        }

        problems.Add($"{name}: is required: an object");
        return null;
    }

    private static string? Text(JsonElement element, string name, List<string> problems, string? at = null)
    {
        if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()))
        {
            return value.GetString();
        }

        problems.Add($"{at ?? name}: is required: a non-empty string");
        return null;
    }

    private static double Number(JsonElement element, string name, string at, List<string> problems, double fallback)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number))
        {
            return number;
        }

        problems.Add($"{at}: must be a number");
        return fallback;
    }

    private static TimeSpan? Duration(JsonElement element, string name, string at, List<string> problems)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{at}: is required: a duration such as 500ms, 30s or 2m");
            return null;
        }

        try
        {
            return DurationText.Parse(value.GetString()!, at);
        }
        catch (ArgumentException e)
        {
            problems.Add(e.Message.Replace($"{at} '", $"{at}: '", StringComparison.Ordinal));
            return null;
        }
    }

    [GeneratedRegex("\\A[A-Z][A-Z0-9-]{0,31}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
