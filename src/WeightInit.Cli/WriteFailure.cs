namespace WeightInit.Cli;

/// <summary>One line for an output file the operating system would not let us write, naming the path the user gave (never our
/// temporary file beside it).</summary>
internal static class WriteFailure
{
    /// <summary>The usage error for <paramref name="e"/>, thrown while writing <paramref name="path"/> (as given to --out).</summary>
    public static UsageException Describe(string path, Exception e) => e switch
    {
        UnauthorizedAccessException => new($"--out '{path}' is not writable: permission denied."),
        PathTooLongException => new($"--out '{path}': the file name is too long for the file system."),
        IOException io => new($"--out '{path}' could not be written ({Reason(io)}); no file was left."),
        _ => new($"--out '{path}': {e.Message}"),
    };

    /// <summary>Whether <paramref name="e"/> comes from the file system refusing the write rather than from our own checks.</summary>
    public static bool IsFileSystem(Exception e) =>
        e is UnauthorizedAccessException or PathTooLongException or FileNotFoundException or DirectoryNotFoundException;

    /// <summary>The operating system's reason for a failed write, without the path .NET repeats after it.</summary>
    private static string Reason(IOException e)
    {
        // The writer's temporary file is ours, not the user's: a missing one means the file system would not create it.
        if (e is FileNotFoundException or DirectoryNotFoundException) return "the file system does not let a file be created there";
        string message = e.Message;
        int path = message.IndexOf(" : '", StringComparison.Ordinal);
        if (path > 0) message = message[..path];
        message = message.TrimEnd('.', ' ');
        return message.Length == 0 ? "input/output error" : char.ToLowerInvariant(message[0]) + message[1..];
    }
}
