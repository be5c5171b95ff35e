using System.Text.Json;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests.Verification;

/// <summary>
/// One bundle of Sarah's day with three outage windows and a changed-payload replay (seed 42, memory), written once,
/// whose files each tamper case copies and edits.
/// </summary>
public sealed class ChaosDayBundle : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    /// <summary>The bundle's files as written.</summary>
    public IReadOnlyDictionary<string, string> Files { get; private set; } = new Dictionary<string, string>();

    /// <inheritdoc />
    public async Task InitializeAsync() => Files = EvidenceBundle.Read((await Apex.RunScenarioAsync(_folder.Path, Apex.OutagesAndAChangedReplay, seed: 42)).BundlePath);

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// A bundle edited as a user would edit it: files changed, then its digest computed again with the project's own
/// <see cref="BundleDigest"/> and written into the manifest, so that only checks of what the files claim can catch it.
/// </summary>
internal sealed class TamperedBundle(IReadOnlyDictionary<string, string> original)
{
    private readonly Dictionary<string, string> _files = original.ToDictionary(f => f.Key, f => f.Value);

    /// <summary>The files of the bundle written at <paramref name="path"/>, to edit.</summary>
    public static TamperedBundle Of(string path) => new(EvidenceBundle.Read(path));

    /// <summary>Edits a JSON file in place.</summary>
    public TamperedBundle Json(string file, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(_files[file])!;
        edit(node);
        _files[file] = node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        return this;
    }

    /// <summary>Edits the lines of a JSONL file: <paramref name="edit"/> gets them all and may change, add or remove.</summary>
    public TamperedBundle Lines(string file, Action<List<JsonNode>> edit)
    {
        var lines = _files[file].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        edit(lines);
        _files[file] = string.Concat(lines.Select(l => l.ToJsonString() + "\n"));
        return this;
    }

    /// <summary>Replaces a file's text.</summary>
    public TamperedBundle Text(string file, Func<string, string> edit)
    {
        _files[file] = edit(_files[file]);
        return this;
    }

    /// <summary>Writes the edited files, digest computed again, as <c>{name}.zip</c> in <paramref name="directory"/>; returns its path.</summary>
    public string WriteTo(string directory, string name) => EvidenceBundle.Write(directory, name, Redigested());

    /// <summary>The edited files, with the manifest's digest computed again over them.</summary>
    public IReadOnlyDictionary<string, string> Redigested()
    {
        var manifest = JsonNode.Parse(_files["manifest.json"])!;
        var digest = BundleDigest.Compute(_files);
        if (manifest["digest"]?.GetValue<string>() != digest)
        {
            // Only an edit the digest covers changes the manifest: any other file stays exactly as edited.
            manifest["digest"] = digest;
            _files["manifest.json"] = manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        }

        return _files;
    }
}
