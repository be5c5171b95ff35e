namespace ApexOrleans.TestSupport;

/// <summary>A temp folder removed when disposed, for SQLite files and bundles written by tests.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates an empty folder under the system temp path.</summary>
    public TempFolder() => Directory.CreateDirectory(Path);

    /// <summary>The folder's full path.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"apex-test-{Guid.NewGuid():N}");

    /// <summary>A path for a file inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <inheritdoc />
    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}
