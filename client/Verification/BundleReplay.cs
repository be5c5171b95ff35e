using System.Text.Json;
using ApexOrleans.Apps;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Contracts.Webhooks;

namespace ApexOrleans.Client.Verification;

/// <summary>
/// <c>apex verify --replay</c>: a run on the virtual clock is a function of its scenario, catalog and seed, so it is run
/// again, from the bundle's own scenario.json and catalog.json at the manifest's seed, on an embedded silo with memory
/// storage (its apps on an apps host of its own when an apps host served them), and must give the same digest. A real-clock
/// run's timings depend on the machine, and a service of the user's own answers for itself: neither can be proved so.
/// </summary>
public static class BundleReplay
{
    /// <summary>The name of the check in <c>apex verify</c>'s report.</summary>
    public const string Name = "the run replayed from its scenario and seed";

    /// <summary>Why <paramref name="files"/> cannot be replayed to its digest; null when it can.</summary>
    public static string? WhyNot(IReadOnlyDictionary<string, string> files)
    {
        var manifest = JsonSerializer.Deserialize<Manifest>(files["manifest.json"], BundleJson.Options)!;
        if (manifest.Clock != RunClock.Virtual.ToString().ToLowerInvariant())
        {
            return $"a {manifest.Clock}-clock run's timings (when retries, probes and the breaker's window fall) depend on the machine and its load, "
                   + "so running it again proves nothing about it; every other check still applies";
        }

        return manifest.Remote is { Repeatable: false }
            ? "a remote app of the user's own answered for itself, and its answers cannot be had again; every other check still applies"
            : null;
    }

    /// <summary>Replays the bundle's run and compares digests, naming the files whose contents differ.</summary>
    public static async Task<InvariantCheck> CheckAsync(IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken)
    {
        var manifest = JsonSerializer.Deserialize<Manifest>(files["manifest.json"], BundleJson.Options)!;
        var folder = Path.Combine(Path.GetTempPath(), $"apex-replay-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var scenario = Path.Combine(folder, EvidenceBundle.ScenarioFile);
            var catalog = Path.Combine(folder, EvidenceBundle.CatalogFile);
            await File.WriteAllTextAsync(scenario, files[EvidenceBundle.ScenarioFile], cancellationToken);
            await File.WriteAllTextAsync(catalog, files[EvidenceBundle.CatalogFile], cancellationToken);
            // A run whose apps an apps host served is replayed against one of its own, in this process.
            var secret = WebhookSecret.Generate();
            await using var host = manifest.Remote is not null
                ? await AppsHost.StartAsync(new AppsHostOptions { Url = "http://127.0.0.1:0", CatalogPath = catalog, Secret = secret }, TimeProvider.System, cancellationToken)
                : null;
            var outcome = await new ScenarioRunner(SilentProgress.Instance, TimeProvider.System).RunAsync(new RunOptions
            {
                ScenarioPath = scenario,
                CatalogPath = catalog,
                Seed = manifest.Seed,
                Mesh = new MeshTarget { Storage = "memory" },
                Clock = RunClock.Virtual,
                OutputDirectory = Path.Combine(folder, "out"),
                Remote = host is null ? new RemoteAppsChoice() : new RemoteAppsChoice { AppsHost = host.Url, Secret = secret.Reveal() },
            }, cancellationToken);
            if (outcome.Manifest.Digest == manifest.Digest)
            {
                return new InvariantCheck(Name, true, $"seed {manifest.Seed} on an embedded silo gave the bundle's digest {manifest.Digest}");
            }

            var replayed = EvidenceBundle.Read(outcome.BundlePath);
            var differences = BundleDigest.Files.Select(f => (File: f, Line: FirstDifference(f, files, replayed))).Where(d => d.Line > 0).ToList();
            return new InvariantCheck(Name, false,
                $"seed {manifest.Seed} replayed gives digest {outcome.Manifest.Digest}, the bundle's is {manifest.Digest}: "
                + string.Join(", ", differences.Select(d => $"{d.File} differs from line {d.Line}")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The first line (from 1) where <paramref name="file"/> differs between the two, wall-clock times aside; 0 when it does not.</summary>
    private static int FirstDifference(string file, IReadOnlyDictionary<string, string> bundle, IReadOnlyDictionary<string, string> replayed)
    {
        var a = BundleDigest.DeterministicLines(file, bundle.GetValueOrDefault(file) ?? "");
        var b = BundleDigest.DeterministicLines(file, replayed.GetValueOrDefault(file) ?? "");
        for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            if (i >= a.Count || i >= b.Count || a[i] != b[i])
            {
                return i + 1;
            }
        }

        return 0;
    }
}
