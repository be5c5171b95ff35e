namespace ApexOrleans.Client.Running;

/// <summary>Checks, before any work starts, that a folder the command will write into can be made and written.</summary>
public static class OutputFolder
{
    /// <summary>
    /// Throws <see cref="EnvironmentFailureException"/> when <paramref name="path"/> is a file or lies under one, so it can
    /// be no folder (for folders that are only read, such as the experiment records listed); returns the deepest folder of it that exists.
    /// </summary>
    public static string DeepestFolder(string path, string option)
    {
        var full = Path.GetFullPath(path);
        var existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                throw new EnvironmentFailureException(existing == full
                    ? $"{option} {path}: is a file, not a folder; nothing was run"
                    : $"{option} {path}: '{existing}' is a file, so no folder can be made under it; nothing was run");
            }

            existing = Path.GetDirectoryName(existing) ?? throw new EnvironmentFailureException($"{option} {path}: no folder of it exists; nothing was run");
        }

        return existing;
    }

    /// <summary>
    /// Throws <see cref="EnvironmentFailureException"/> when <paramref name="path"/> (named <paramref name="option"/> in the
    /// message) is a file, lies under a file, or cannot be written. Leaves nothing behind: a missing folder is not made here.
    /// </summary>
    public static void CheckWritable(string path, string option)
    {
        var existing = DeepestFolder(path, option);

        // The deepest folder that exists must take a file: the folder itself, or the parent the missing ones will be made in.
        var probe = Path.Combine(existing, $".apex-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EnvironmentFailureException($"{option} {path}: cannot write in '{existing}' ({e.Message}); nothing was run", e);
        }
        finally
        {
            File.Delete(probe);
        }
    }
}
