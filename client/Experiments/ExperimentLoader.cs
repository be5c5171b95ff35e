using ApexOrleans.Client.Running;
using ApexOrleans.Client.Scenarios;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Configuration;

namespace ApexOrleans.Client.Experiments;

/// <summary>An experiment checked against the app catalog, with the scenario its traffic plays: ready to run.</summary>
public sealed record PreparedExperiment(ExperimentDefinition Definition, Scenario Scenario);

/// <summary>Reads an experiment file strictly and checks it whole: every problem is listed before anything runs.</summary>
public static partial class ExperimentLoader
{
    private static readonly string[] RootKeys =
        ["id", "title", "owner", "hypothesis", "steadyState", "method", "expected", "safeguards", "rollback", "rto", "$schema", "$comment"];

    private static readonly string[] SteadyStateKeys = ["window", "probes"];
    private static readonly string[] ExpectedKeys = ["outcome", "probes"];
    private static readonly string[] MethodKeys = ["scenario", "beatInterval", "tenantsPerSecond", "maxTenantsInFlight", "circuitBreak", "duration", "faults"];
    private static readonly string[] FaultKeys = ["kind", "app", "delayMs", "factor", "at", "for"];

    /// <summary>
    /// Loads <paramref name="path"/>, the app catalog at <paramref name="catalogPath"/> and the scenario its method names,
    /// and checks the experiment against both; throws before anything runs or is written, the file's own problems first.
    /// </summary>
    public static PreparedExperiment Prepare(string path, string catalogPath)
    {
        var definition = Load(path);
        var catalog = AppCatalog.Load(catalogPath);
        var scenario = ExperimentScenario.For(ScenarioLoader.Load(definition.Method.ScenarioPath, catalog), definition.Method);
        ExperimentCatalogCheck.Apps(definition, catalog);
        return new PreparedExperiment(definition, scenario);
    }

    /// <summary>Loads <paramref name="path"/>; throws <see cref="ConfigFileException"/> listing every problem.</summary>
    public static ExperimentDefinition Load(string path)
    {
        var (document, bytes) = ConfigJson.ReadFile(path);
        using (document)
        {
            var problems = new List<string>();
            var root = ConfigObject.Read(document.RootElement, "", problems, RootKeys)
                ?? throw new ConfigFileException(path, ["the file must hold one JSON object"]);
            var id = root.Text("id", required: true) ?? "";
            if (id.Length > 0 && !IdPattern().IsMatch(id))
            {
                root.Problem("id", $"'{id}' must be upper-case letters, digits and '-' (e.g. EX-01), at most 32");
            }

            var steady = root.Object("steadyState", SteadyStateKeys, required: true);
            var method = root.Object("method", MethodKeys, required: true);
            var expected = root.Object("expected", ExpectedKeys, required: true);
            var definition = new ExperimentDefinition
            {
                Id = id,
                Title = root.Text("title", required: true) ?? "",
                Owner = root.Text("owner", required: true) ?? "",
                Hypothesis = root.Text("hypothesis", required: true) ?? "",
                SteadyState = steady is { } s ? SteadyStateOf(s, problems) : new SteadyState(TimeSpan.Zero, []),
                Method = method is { } m ? MethodOf(m, Path.GetDirectoryName(Path.GetFullPath(path))!, problems) : new ExperimentMethod("", TimeSpan.Zero, 0, 0, TimeSpan.Zero, TimeSpan.Zero, []),
                Expected = expected is { } e ? new ExpectedOutcome(e.Text("outcome", required: true) ?? "", ExperimentProbeReader.Read(e, "probes", problems, ProbeTiming.Live)) : new ExpectedOutcome("", []),
                Safeguards = ExperimentProbeReader.Read(root, "safeguards", problems, ProbeTiming.Live),
                Rollback = root.Text("rollback", required: true) ?? "",
                Rto = Duration(root, "rto") ?? TimeSpan.Zero,
                SourcePath = path,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            };
            if (definition.Safeguards.Count == 0 && root.Has("safeguards"))
            {
                root.Problem("safeguards", "name at least one abort condition");
            }

            foreach (var step in definition.Method.Faults)
            {
                if (step.At + step.For > definition.Method.Duration)
                {
                    problems.Add($"method.faults: '{step.Kind}' ends at {(step.At + step.For).TotalSeconds:0.###} s, after the method's {definition.Method.Duration.TotalSeconds:0.###} s");
                }
            }

            return problems.Count > 0 ? throw new ConfigFileException(path, problems) : definition;
        }
    }

    private static SteadyState SteadyStateOf(ConfigObject steady, List<string> problems)
    {
        var window = steady.Has("window") ? Duration(steady, "window") ?? TimeSpan.Zero : TimeSpan.FromSeconds(5);
        var probes = ExperimentProbeReader.Read(steady, "probes", problems, null);
        if (probes.Count == 0 && steady.Has("probes"))
        {
            steady.Problem("probes", "name at least one probe");
        }

        return new SteadyState(window, probes);
    }

    private static ExperimentMethod MethodOf(ConfigObject method, string folder, List<string> problems)
    {
        var scenario = method.Text("scenario", required: true) ?? "";
        if (scenario.Length > 0)
        {
            // Relative to the experiment file first (a catalogue carries its scenarios), else to the working folder.
            var besideFile = Path.Combine(folder, scenario);
            scenario = File.Exists(besideFile) ? besideFile : scenario;
            if (!File.Exists(scenario))
            {
                method.Problem("scenario", $"'{scenario}' does not exist");
            }
        }

        var rate = method.Number("tenantsPerSecond") ?? 2;
        if (rate is <= 0 or > 1000)
        {
            method.Problem("tenantsPerSecond", "must be greater than 0 and at most 1000");
        }

        var inFlight = method.Has("maxTenantsInFlight") ? method.WholeNumber("maxTenantsInFlight", min: 1) ?? 1 : 256;
        var faults = new List<FaultStep>();
        var list = method.Array("faults");
        if (list is not { Count: > 0 })
        {
            problems.Add("method.faults: is required: a list of at least one fault");
        }

        foreach (var (item, at) in list ?? [])
        {
            if (ConfigObject.Read(item, at, problems, FaultKeys) is { } fault)
            {
                faults.Add(FaultOf(fault));
            }
        }

        return new ExperimentMethod(
            scenario,
            method.Has("beatInterval") ? Duration(method, "beatInterval") ?? TimeSpan.Zero : TimeSpan.FromMilliseconds(200),
            rate,
            inFlight,
            method.Has("circuitBreak") ? Duration(method, "circuitBreak") ?? TimeSpan.Zero : TimeSpan.FromSeconds(2),
            Duration(method, "duration") ?? TimeSpan.Zero,
            faults);
    }

    private static FaultStep FaultOf(ConfigObject fault)
    {
        var kind = fault.Text("kind", required: true) ?? "";
        if (kind.Length > 0 && !ExperimentFaultKinds.All.Contains(kind))
        {
            fault.Problem("kind", $"'{kind}' is not one of {string.Join(", ", ExperimentFaultKinds.All)}"
                + (NearestName.Among(kind, ExperimentFaultKinds.All) is { } nearest ? $"; did you mean {nearest}?" : ""));
        }

        var app = fault.Text("app");
        var delay = fault.Number("delayMs");
        var factor = fault.Number("factor");
        if (kind == InjectedFaultKinds.AppOutage && app is null)
        {
            fault.Problem("app", "an app-outage needs the app it takes down");
        }

        if (kind == InjectedFaultKinds.DeliveryDelay && delay is not > 0)
        {
            fault.Problem("delayMs", "a delivery-delay needs a delay greater than 0");
        }

        if (kind == ExperimentFaultKinds.Burst && factor is not > 1)
        {
            fault.Problem("factor", "a burst needs a factor greater than 1 (10 = ten times the traffic)");
        }

        var start = fault.Value("at") is { ValueKind: JsonValueKind.String } s && s.GetString() is "0" or "0s"
            ? TimeSpan.Zero
            : Duration(fault, "at") ?? TimeSpan.Zero;
        return new FaultStep(kind, app, delay, factor, start, Duration(fault, "for") ?? TimeSpan.Zero);
    }

    /// <summary>A duration such as 500ms, 30s or 2m, required where it is read.</summary>
    internal static TimeSpan? Duration(ConfigObject owner, string key)
    {
        if (owner.Value(key) is not { ValueKind: JsonValueKind.String } value)
        {
            owner.Problem(key, "is required: a duration such as 500ms, 30s or 2m");
            return null;
        }

        try
        {
            return DurationText.Parse(value.GetString()!, owner.At(key));
        }
        catch (BadInputException e)
        {
            owner.Problem(key, e.Message.Replace($"{owner.At(key)} '", "'", StringComparison.Ordinal));
            return null;
        }
    }

    [GeneratedRegex("\\A[A-Z][A-Z0-9-]{0,31}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
