using System.Text.RegularExpressions;

namespace ApexOrleans.Client.Tests.Architecture;

/// <summary>
/// The C# sources of one project, folder by folder, and which folder uses which: through a namespace
/// (<c>using Root.Folder;</c>, <c>Root.Folder.Type</c>) or a type of that folder named relative to the root
/// (<c>Folder.Type</c>). A property that happens to share a folder's name (<c>Idempotency.Retention</c>) is no use.
/// </summary>
public sealed partial class SourceTree(string projectPath, string rootNamespace)
{
    /// <summary>The project's C# files under <paramref name="path"/>, build output left out.</summary>
    public static IReadOnlyList<string> Files(string path) =>
        Directory.EnumerateFiles(path, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .ToList();

    /// <summary>Every "folder From uses folder To" of the project.</summary>
    public HashSet<(string From, string To)> FolderEdges()
    {
        var folders = Directory.GetDirectories(projectPath).Select(Path.GetFileName).Cast<string>()
            .Where(f => f is not ("bin" or "obj")).ToList();
        var declared = folders.ToDictionary(f => f, f => Files(Path.Combine(projectPath, f))
            .SelectMany(file => Declaration().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value)).ToHashSet());
        var qualified = new Regex(@"(?<![\w.])(?:ApexOrleans\.)?" + Regex.Escape(rootNamespace.Split('.', 2)[1]) + @"\.(\w+)");
        var edges = new HashSet<(string, string)>();
        foreach (var folder in folders)
        {
            foreach (var text in Files(Path.Combine(projectPath, folder)).Select(File.ReadAllText))
            {
                var used = qualified.Matches(text).Select(m => m.Groups[1].Value)
                    .Concat(folders.Where(other => Regex.Matches(text, @"(?<![\w.])" + other + @"\.(\w+)")
                        .Any(m => declared[other].Contains(m.Groups[1].Value))));
                foreach (var other in used.Where(u => u != folder && folders.Contains(u)))
                {
                    edges.Add((folder, other));
                }
            }
        }

        return edges;
    }

    [GeneratedRegex(@"^\s*(?:public|internal)\s+(?:[a-z]+\s+)*(?:class|record|interface|enum|struct)\s+(?:struct\s+)?(\w+)", RegexOptions.Multiline)]
    private static partial Regex Declaration();
}
