using System.Text.RegularExpressions;

namespace ApexOrleans.Client.Tests.Architecture;

/// <summary>
/// Folders of one project must not import each other in a loop. The loops the code has today are listed edge by edge
/// below, to be untangled (issue 22): an edge that closes a new loop fails, and so does a listed edge that no longer
/// lies on a loop, so that the list only shrinks.
/// </summary>
public sealed partial class ImportLoopTests
{
    // Edges "From>To" (folder From uses a namespace of folder To) that lie on a loop today.
    private static readonly string[] GrainsLoopsToday =
    [
        "Apps>Delivery", "Apps>Hosting", "Apps>Placement", "Apps>Reactions", "Apps>Tenancy", "Chaos>Delivery",
        "Circuits>Hosting", "Circuits>Placement", "Circuits>Tenancy", "Cluster>Chaos", "Cluster>Hosting",
        "Cluster>Placement", "Cluster>Tenancy", "Delivery>Apps", "Delivery>Chaos", "Delivery>Circuits",
        "Delivery>Hosting", "Delivery>Idempotency", "Delivery>Placement", "Delivery>Tenancy", "Hosting>Apps",
        "Hosting>Chaos", "Hosting>Circuits", "Hosting>Cluster", "Hosting>Delivery", "Hosting>Idempotency",
        "Hosting>Placement", "Hosting>Reactions", "Hosting>Tenancy", "Idempotency>Hosting", "Idempotency>Placement",
        "Idempotency>Tenancy", "Placement>Tenancy", "Reactions>Apps", "Reactions>Delivery", "Tenancy>Apps",
        "Tenancy>Chaos", "Tenancy>Circuits", "Tenancy>Delivery", "Tenancy>Idempotency", "Tenancy>Placement"
    ];

    private static readonly string[] ClientLoopsToday =
    [
        "Evidence>Running", "Evidence>Scenarios", "Running>Evidence", "Running>Scenarios", "Scenarios>Evidence"
    ];

    [Theory]
    [InlineData("grains", "ApexOrleans.Grains")]
    [InlineData("client", "ApexOrleans.Client")]
    public void NoFolderImportLoopIsAddedAndTheKnownOnesOnlyShrink(string project, string rootNamespace)
    {
        var known = project == "grains" ? GrainsLoopsToday : ClientLoopsToday;
        var edges = FolderEdges(Path.Combine(RepositoryRoot(), project), rootNamespace);
        var onLoops = edges.Where(e => Reaches(edges, e.To, e.From)).Select(e => $"{e.From}>{e.To}").ToHashSet();

        var added = onLoops.Except(known).Order().ToList();
        var untangled = known.Except(onLoops).Order().ToList();
        Assert.True(added.Count == 0, $"{project}: these imports close a loop between folders: {string.Join(", ", added)}");
        Assert.True(untangled.Count == 0, $"{project}: no longer on a loop, remove from the list: {string.Join(", ", untangled)}");
    }

    /// <summary>Which folder of the project uses which other: through <c>RootNamespace.Folder</c>, or a name relative to the root namespace.</summary>
    private static HashSet<(string From, string To)> FolderEdges(string projectPath, string rootNamespace)
    {
        var folders = Directory.GetDirectories(projectPath).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Cast<string>().ToList();
        var qualified = new Regex(Regex.Escape(rootNamespace) + @"\.(\w+)");
        var edges = new HashSet<(string, string)>();
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(projectPath, folder), "*.cs", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")))
            {
                var text = File.ReadAllText(file);
                var used = qualified.Matches(text).Select(m => m.Groups[1].Value)
                    .Concat(folders.Where(other => Regex.IsMatch(text, @"(?<![\w.])" + other + @"\.[A-Z]")));
                foreach (var other in used.Where(u => u != folder && folders.Contains(u)))
                {
                    edges.Add((folder, other));
                }
            }
        }

        return edges;
    }

    private static bool Reaches(HashSet<(string From, string To)> edges, string from, string to)
    {
        var seen = new HashSet<string> { from };
        var pending = new Stack<string>([from]);
        while (pending.TryPop(out var at))
        {
            foreach (var next in edges.Where(e => e.From == at).Select(e => e.To))
            {
                if (next == to)
                {
                    return true;
                }

                if (seen.Add(next))
                {
                    pending.Push(next);
                }
            }
        }

        return false;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ApexOrleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ApexOrleans.sln not found above the test's folder.");
    }
}
