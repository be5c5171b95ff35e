using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ApexOrleans.Bench.Harness;

/// <summary>The machine a run was measured on.</summary>
public sealed record MachineFacts(string Cpu, int Cores, double MemoryGiB, string Os, string Dotnet)
{
    /// <summary>Reads this machine's facts.</summary>
    public static MachineFacts Read()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return new MachineFacts(cpu, Environment.ProcessorCount, Math.Round(memory, 1), RuntimeInformation.OSDescription, Environment.Version.ToString());
    }
}

/// <summary>What a bench run measured and which targets it met; written as JSON and Markdown.</summary>
public sealed class BenchReport(string name)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Every measurement, in the order taken.</summary>
    public List<Measurement> Measurements { get; } = [];

    /// <summary>Every target, in the order checked.</summary>
    public List<TargetResult> Targets { get; } = [];

    /// <summary>Free-form lines worth keeping (settings, durability, explanations).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Adds a ratio target: subject median / baseline median against <paramref name="atLeast"/>.</summary>
    public TargetResult Ratio(string target, Measurement baseline, Measurement subject, double atLeast)
    {
        var ratio = subject.Median / baseline.Median;
        var result = new TargetResult(target, $"{subject.Name} / {baseline.Name}", Math.Round(ratio, 3), $">= {atLeast:P0}", ratio >= atLeast,
            $"{subject.Median.ToString("N0", CultureInfo.InvariantCulture)} vs {baseline.Median.ToString("N0", CultureInfo.InvariantCulture)} {subject.Unit} (medians of {subject.Runs.Count})");
        Targets.Add(result);
        return result;
    }

    /// <summary>Writes <c>{name}.json</c> and <c>{name}.md</c> into <paramref name="directory"/>; returns the Markdown path.</summary>
    public string Write(string directory, MachineFacts machine, DateTimeOffset at, string command)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, $"{name}.json"), JsonSerializer.Serialize(new { at, command, machine, Targets, Measurements = Measurements.Select(m => new { m.Name, m.Unit, m.Runs, m.Median }), Notes }, Json));
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Bench: {name}").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Measured {at:yyyy-MM-dd HH:mm} UTC with `{command}` on {machine.Cores} cores ({machine.Cpu}), {machine.MemoryGiB} GiB, {machine.Os}, .NET {machine.Dotnet}.").AppendLine();
        if (Targets.Count > 0)
        {
            md.AppendLine("| target | figure | value | needs | met | detail |").AppendLine("|---|---|---|---|---|---|");
            foreach (var t in Targets)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Name} | {t.Figure} | {t.Value} | {t.Target} | {(t.Met ? "yes" : "**no**")} | {t.Note} |");
            }

            md.AppendLine();
        }

        md.AppendLine("| measurement | median | runs |").AppendLine("|---|---|---|");
        foreach (var m in Measurements)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {m.Name} | {m.Median.ToString("N1", CultureInfo.InvariantCulture)} {m.Unit} | {string.Join(", ", m.Runs.Select(r => r.ToString("N1", CultureInfo.InvariantCulture)))} |");
        }

        if (Notes.Count > 0)
        {
            md.AppendLine();
            foreach (var note in Notes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }
        }

        var path = Path.Combine(directory, $"{name}.md");
        File.WriteAllText(path, md.ToString());
        return path;
    }
}
