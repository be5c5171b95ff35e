using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ApexOrleans.Client.Evidence;

/// <summary>
/// The digest of a bundle's deterministic part: events, receipts, injections, circuits, the final and control states,
/// and the control's history, with wall-clock fields (<c>wallMs</c>) and CloudEvents' trace context removed. Same scenario and seed give the same digest, whatever the
/// storage or where the silo runs; <c>apex verify</c> recomputes it from the files.
/// </summary>
public static class BundleDigest
{
    /// <summary>The files the digest covers, in the order they are hashed.</summary>
    public static readonly string[] Files =
    [
        "events.jsonl", "receipts.jsonl", "injections.jsonl", "circuits.json", "final-state.json", "control-state.json",
        .. EvidenceBundle.ControlFiles.Select(f => f.File),
    ];

    /// <summary>The digest of the given file contents (by name).</summary>
    public static string Compute(IReadOnlyDictionary<string, string> contents)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // A file the bundle does not have is left out (a load's tenants carry no control history); verify requires a run's.
        foreach (var file in Files.Where(contents.ContainsKey))
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"--{file}--\n"));
            foreach (var line in DeterministicLines(file, contents[file]))
            {
                sha.AppendData(Encoding.UTF8.GetBytes(line));
                sha.AppendData("\n"u8);
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The lines of <paramref name="file"/> the digest covers: each JSON line (or the whole file) without its wall-clock times.</summary>
    public static IReadOnlyList<string> DeterministicLines(string file, string text) =>
        (file.EndsWith(".jsonl", StringComparison.Ordinal) ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [text]).Select(WithoutWallClock).ToList();

    private static string WithoutWallClock(string json)
    {
        var node = JsonNode.Parse(json);
        Strip(node);
        return node?.ToJsonString() ?? "null";
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                obj.Remove("wallMs");
                if (obj.ContainsKey("specversion"))
                {
                    // A CloudEvent's trace context (Distributed Tracing extension) names spans, which differ every run.
                    obj.Remove("traceparent");
                    obj.Remove("tracestate");
                }

                foreach (var (_, child) in obj)
                {
                    Strip(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Strip(child);
                }

                break;
        }
    }
}
