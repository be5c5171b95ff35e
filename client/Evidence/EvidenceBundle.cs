using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace ApexOrleans.Client.Evidence;

/// <summary>
/// The evidence bundle, <c>{runId}.zip</c>: events, receipts, injections (the ledger), metrics, circuits,
/// scorecard, the final and control states, the control's own history under <c>control/</c>, the scenario and catalog,
/// and a manifest with the digest. Written to a temporary file and
/// moved into place, so a bundle is either complete or absent.
/// </summary>
public static class EvidenceBundle
{
    /// <summary>The scenario file the run replayed, byte for byte; its SHA-256 is the manifest's <c>scenarioSha256</c>.</summary>
    public const string ScenarioFile = "scenario.json";

    /// <summary>The run's traces as OTLP JSON: one trace per published event, its spans on the run's clock.</summary>
    public const string TracesFile = "traces.json";

    /// <summary>The app catalog in force: the routes the scenario was checked against.</summary>
    public const string CatalogFile = "catalog.json";

    /// <summary>The control run's own history, beside its final state: its events, receipts, injections (none) and circuits.</summary>
    public static readonly (string File, string Of)[] ControlFiles =
        [("control/events.jsonl", "events.jsonl"), ("control/receipts.jsonl", "receipts.jsonl"), ("control/injections.jsonl", "injections.jsonl"), ("control/circuits.json", "circuits.json")];

    /// <summary>Renders every file of the bundle for a run, with its control's history when given (a load's tenants share one control and leave it out).</summary>
    public static IReadOnlyDictionary<string, string> Render(RunRecord run, EvidenceFiles files, RunMetrics metrics, Scorecard scorecard, EvidenceFiles? control = null)
    {
        var contents = new Dictionary<string, string>(HistoryFiles(files))
        {
            ["final-state.json"] = run.FinalState,
            ["control-state.json"] = run.ControlState,
            ["metrics.json"] = JsonSerializer.Serialize(metrics, BundleJson.Indented),
            ["scorecard.json"] = JsonSerializer.Serialize(scorecard, BundleJson.Indented),
            [ScenarioFile] = run.Scenario.SourceText,
            [CatalogFile] = run.Scenario.Catalog?.SourceText ?? throw new ArgumentException("the run's scenario names no catalog", nameof(run)),
        };
        if (control is not null)
        {
            var history = HistoryFiles(control);
            foreach (var (file, of) in ControlFiles)
            {
                contents[file] = history[of];
            }
        }

        var manifest = new Manifest
        {
            RunId = run.RunId,
            Scenario = run.Scenario.Name,
            ScenarioFile = run.Scenario.SourcePath,
            ScenarioSha256 = run.Scenario.Sha256,
            Seed = run.Seed,
            Storage = run.Storage,
            Silo = run.Silo,
            Clock = run.Clock,
            TimeScale = run.TimeScale,
            Versions = new Dictionary<string, string>
            {
                ["apex"] = typeof(EvidenceBundle).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
                ["dotnet"] = Environment.Version.ToString(),
                ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            },
            StartedAt = run.StartedAt,
            FinishedAt = run.FinishedAt,
            Digest = BundleDigest.Compute(contents),
            Outages = ScenarioOutage.Of(run.Scenario.Chaos.Outages),
            ExpectedNotExercised = run.Scenario.ExpectedNotExercised.Order(StringComparer.Ordinal).ToList(),
            Passed = scorecard.Passed,
            Remote = run.Remote,
            Traces = run.Traces is { } traces ? new TracesLine(traces.Spans.Select(s => s.TraceId).Distinct().Count(), traces.Spans.Count, traces.Complete) : null,
        };
        if (run.Traces is not null)
        {
            contents[TracesFile] = run.Traces.ToOtlpJson(run.RunId); // not in the digest: span ids and wall-clock runs differ every time
        }

        contents["manifest.json"] = JsonSerializer.Serialize(manifest, BundleJson.Indented);
        return contents;
    }

    /// <summary>Writes the bundle into <paramref name="directory"/>; returns its path.</summary>
    public static string Write(string directory, string runId, IReadOnlyDictionary<string, string> contents)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{runId}.zip");
        var temporary = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            using (var zip = ZipFile.Open(temporary, ZipArchiveMode.Create))
            {
                foreach (var (name, content) in contents.OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    using var entry = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Optimal).Open(), new UTF8Encoding(false));
                    entry.Write(content);
                }
            }

            File.Move(temporary, path, overwrite: false);
            return path;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Reads every file of a bundle.</summary>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            // A byte-order mark is kept as the text's first character: scenario.json must hash as the file it was.
            using var reader = new StreamReader(e.Open(), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
            return reader.ReadToEnd();
        });
    }

    /// <summary>
    /// Reads a history's four files back from a bundle's <paramref name="files"/>: the run's, or the control's with
    /// <paramref name="folder"/> <c>control/</c>.
    /// </summary>
    public static EvidenceFiles ReadHistory(IReadOnlyDictionary<string, string> files, string folder = "") => new(
        ReadLines<EventLine>(files[$"{folder}events.jsonl"]), ReadLines<ReceiptLine>(files[$"{folder}receipts.jsonl"]),
        ReadLines<InjectionLine>(files[$"{folder}injections.jsonl"]), JsonSerializer.Deserialize<CircuitsFile>(files[$"{folder}circuits.json"], BundleJson.Options)!);

    private static List<T> ReadLines<T>(string jsonl) =>
        jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<T>(l, BundleJson.Options)!).ToList();

    /// <summary>A history's four files: events, receipts, injections and circuits.</summary>
    private static Dictionary<string, string> HistoryFiles(EvidenceFiles files) => new()
    {
        ["events.jsonl"] = Lines(files.Events),
        ["receipts.jsonl"] = Lines(files.Receipts),
        ["injections.jsonl"] = Lines(files.Injections),
        ["circuits.json"] = JsonSerializer.Serialize(files.Circuits, BundleJson.Indented),
    };

    private static string Lines<T>(IEnumerable<T> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(JsonSerializer.Serialize(line, BundleJson.Options)).Append('\n');
        }

        return text.ToString();
    }
}
