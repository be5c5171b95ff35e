using System.Diagnostics;
using System.Text.Json;
using ApexOrleans.Client.Evidence;

namespace ApexOrleans.Client.Experiments;

/// <summary>An experiment run in progress, as its marker file says: which run, which process, since when.</summary>
public sealed record RunningExperiment(string RunId, string ExperimentId, int ProcessId, string Silo, DateTimeOffset StartedAt);

/// <summary>A request to pull the kill switch of a running experiment.</summary>
public sealed record HaltRequest(string Reason, DateTimeOffset RequestedAt);

/// <summary>
/// The experiment records in one folder: each finished run's journal as <c>{runId}.json</c>, and under
/// <c>running/</c> a marker per run in progress and the halt requests that <c>apex experiment halt</c> leaves for it.
/// </summary>
public sealed class ExperimentRecords(string folder)
{
    /// <summary>The default folder, beside the evidence bundles.</summary>
    public const string DefaultFolder = "evidence/experiments";

    /// <summary>The folder.</summary>
    public string Folder { get; } = folder;

    private string RunningFolder => Path.Combine(Folder, "running");

    /// <summary>Stores a journal (written whole, then moved into place, so a reader never sees half of it); returns its path.</summary>
    public string Save(ExperimentJournal journal)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, $"{journal.RunId}.json");
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(journal, BundleJson.Indented));
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>Every stored journal, newest first; files that are not journals are named in <paramref name="unreadable"/>.</summary>
    public IReadOnlyList<ExperimentJournal> List(List<string>? unreadable = null)
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        var journals = new List<ExperimentJournal>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize<ExperimentJournal>(File.ReadAllText(file), BundleJson.Options) is { RunId: not null } journal)
                {
                    journals.Add(journal);
                }
            }
            catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
            {
                unreadable?.Add($"{file}: {e.Message}");
            }
        }

        return journals.OrderByDescending(j => j.StartedAt).ToList();
    }

    /// <summary>Marks a run as in progress by this process.</summary>
    public void MarkRunning(RunningExperiment running)
    {
        Directory.CreateDirectory(RunningFolder);
        File.WriteAllText(Path.Combine(RunningFolder, $"{running.RunId}.json"), JsonSerializer.Serialize(running, BundleJson.Options));
    }

    /// <summary>Removes a run's marker, any halt request left for it and its answer.</summary>
    public void MarkFinished(string runId)
    {
        File.Delete(Path.Combine(RunningFolder, $"{runId}.json"));
        File.Delete(HaltPath(runId));
        File.Delete(HaltedPath(runId));
    }

    /// <summary>Runs in progress whose process is still alive; markers of processes that died are removed.</summary>
    public IReadOnlyList<RunningExperiment> Running()
    {
        if (!Directory.Exists(RunningFolder))
        {
            return [];
        }

        var running = new List<RunningExperiment>();
        foreach (var file in Directory.EnumerateFiles(RunningFolder, "*.json"))
        {
            RunningExperiment? marker;
            try
            {
                marker = JsonSerializer.Deserialize<RunningExperiment>(File.ReadAllText(file), BundleJson.Options);
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                continue;
            }

            if (marker is not null && Alive(marker.ProcessId))
            {
                running.Add(marker);
            }
            else
            {
                File.Delete(file);
            }
        }

        return running;
    }

    /// <summary>Leaves a halt request for <paramref name="runId"/>; its runner reverts every fault within one poll (100 ms).</summary>
    public void RequestHalt(string runId, HaltRequest request)
    {
        Directory.CreateDirectory(RunningFolder);
        var path = HaltPath(runId);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(request, BundleJson.Options));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The halt request left for <paramref name="runId"/>, if any.</summary>
    public HaltRequest? HaltRequested(string runId)
    {
        var path = HaltPath(runId);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<HaltRequest>(File.ReadAllText(path), BundleJson.Options);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return new HaltRequest("halt requested", File.GetLastWriteTimeUtc(path)); // half-written by a concurrent halt: a halt all the same
        }
    }

    /// <summary>The runner's answer to a halt: every fault is off, and how long that took.</summary>
    public void AcknowledgeHalt(string runId, HaltRecord halt)
    {
        Directory.CreateDirectory(RunningFolder);
        var path = HaltedPath(runId);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(halt, BundleJson.Options));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The runner's answer to a halt of <paramref name="runId"/>: from the answer file while it runs, from its journal once it has finished.</summary>
    public HaltRecord? Halted(string runId)
    {
        foreach (var (path, read) in new (string, Func<string, HaltRecord?>)[]
        {
            (HaltedPath(runId), text => JsonSerializer.Deserialize<HaltRecord>(text, BundleJson.Options)),
            (Path.Combine(Folder, $"{runId}.json"), text => JsonSerializer.Deserialize<ExperimentJournal>(text, BundleJson.Options)?.Halt),
        })
        {
            try
            {
                if (File.Exists(path) && read(File.ReadAllText(path)) is { } halt)
                {
                    return halt;
                }
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                // being replaced right now: the next poll reads it whole
            }
        }

        return null;
    }

    private string HaltPath(string runId) => Path.Combine(RunningFolder, $"{runId}.halt");

    private string HaltedPath(string runId) => Path.Combine(RunningFolder, $"{runId}.halted");

    private static bool Alive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
