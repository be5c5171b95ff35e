using System.Text.RegularExpressions;

namespace ApexOrleans.Client.Tests.Architecture;

/// <summary>
/// The folders of one project never import each other in a loop (docs/architecture.md), and the code that talks to a
/// mesh from outside (the whole client, the silo's endpoints) knows the mesh by its contracts only; only the two
/// sessions that host or join a silo themselves use grains/.
/// </summary>
public sealed partial class ImportLoopTests
{
    [Theory]
    [InlineData("contracts", "ApexOrleans.Contracts")]
    [InlineData("grains", "ApexOrleans.Grains")]
    [InlineData("client", "ApexOrleans.Client")]
    public void FoldersOfAProjectImportEachOtherWithoutALoop(string project, string rootNamespace)
    {
        var edges = new SourceTree(Path.Combine(RepositoryRoot(), project), rootNamespace).FolderEdges();
        var onLoops = edges.Where(e => Reaches(edges, e.To, e.From)).Select(e => $"{e.From}>{e.To}").Order().ToList();

        Assert.True(onLoops.Count == 0, $"{project}: these imports close a loop between folders: {string.Join(", ", onLoops)}");
    }

    [Theory]
    [InlineData("client", "EmbeddedMeshSession.cs", "ClusterMeshSession.cs")]
    [InlineData("silo/Endpoints")]
    public void CodeOutsideTheMeshKnowsItByItsContractsOnly(string folder, params string[] sessionsHostingTheMesh)
    {
        var grainsUsed = SourceTree.Files(Path.Combine(RepositoryRoot(), folder))
            .Where(f => !sessionsHostingTheMesh.Contains(Path.GetFileName(f)))
            .SelectMany(f => GrainsNamespace().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetFileName(f)}: {m.Value}"))
            .Distinct().ToList();

        Assert.True(grainsUsed.Count == 0, $"{folder} uses the mesh's implementation: {string.Join(", ", grainsUsed)}");
    }

    [GeneratedRegex(@"(?<![\w.])(?:ApexOrleans\.)?Grains\.\w+")]
    private static partial Regex GrainsNamespace();

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
