namespace WeightInit.IO;

/// <summary>A directory created together with its missing parents, remembered by the outermost folder the call created, so
/// that a write that fails afterwards can remove what it made and leave no empty directories behind.</summary>
public static class CreatedDirectory
{
    /// <summary>Creates <paramref name="directory"/> and every missing folder above it; returns the outermost folder this call
    /// created, or null when <paramref name="directory"/> already existed. If creating fails, what was created is removed.</summary>
    /// <exception cref="IOException">A folder cannot be created (a file stands in the way, the file system refuses, …).</exception>
    /// <exception cref="UnauthorizedAccessException">Permission is denied.</exception>
    public static string? Create(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string? outermost = null;
        for (var d = new DirectoryInfo(Path.GetFullPath(directory)); d is not null && !d.Exists; d = d.Parent) outermost = d.FullName;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RemoveIfNoFiles(outermost);
            throw;
        }
        return outermost;
    }

    /// <summary>Deletes <paramref name="created"/> (a folder <see cref="Create"/> returned, or null) when it holds no file at any
    /// depth; a folder that cannot be deleted is left as it is.</summary>
    public static void RemoveIfNoFiles(string? created)
    {
        try
        {
            if (created is not null && Directory.Exists(created) && !Directory.EnumerateFiles(created, "*", SearchOption.AllDirectories).Any())
                Directory.Delete(created, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left in place: the error that stopped the write is the one to report.
        }
    }
}
