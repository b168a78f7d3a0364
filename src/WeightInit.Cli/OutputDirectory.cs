using WeightInit.IO;

namespace WeightInit.Cli;

/// <summary>The --out directory of init, report and train: created with any missing parents (<see cref="CreatedDirectory"/>)
/// and proved writable, so that a command refused there, or failing later, can remove what it created.</summary>
internal static class OutputDirectory
{
    /// <summary>Creates <paramref name="directory"/> and any missing folders above it, and proves it writable with a probe file;
    /// returns the outermost folder this call created, or null when <paramref name="directory"/> existed. On failure, what it
    /// created is removed again.</summary>
    /// <exception cref="UsageException">The path is a file, or the directory cannot be created or written.</exception>
    public static string? Prepare(string directory)
    {
        if (File.Exists(directory)) throw new UsageException($"--out '{directory}' is a file, not a directory.");
        string? created = null;
        try
        {
            created = CreatedDirectory.Create(directory);
            string probe = Path.Combine(directory, $".weightinit-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return created;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CreatedDirectory.RemoveIfNoFiles(created);
            throw new UsageException($"--out '{directory}' is not a writable directory: {e.Message}");
        }
    }
}
