using System.Globalization;

namespace WeightInit.Checkpoints;

/// <summary>The exclusive lock one writer holds on a checkpoint directory for its rank: a second writer of the same rank fails at once, naming the holder.</summary>
/// <remarks>The lock is the file <c>.weightinit-rank-R.lock</c> opened with <see cref="FileShare.None"/>, which .NET implements as
/// <c>flock(LOCK_EX | LOCK_NB)</c> on Unix (and a share-mode lock on Windows): the kernel releases it when the process ends, however it
/// ends, so a killed writer never leaves a lock that blocks the next run. The holder writes its process id into the file and removes
/// the file when it is done. A contender cannot open the locked file, so it finds the holder's id by looking for a process that has the
/// file open (/proc/PID/fd on Linux); where that is not possible the message says "another process".</remarks>
public sealed class WriterLock : IDisposable
{
    private readonly FileStream _stream;

    private WriterLock(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>The lock file's name for <paramref name="rank"/>.</summary>
    public static string FileName(int rank) => $".weightinit-rank-{rank.ToString(CultureInfo.InvariantCulture)}.lock";

    /// <summary>Takes the lock of <paramref name="rank"/> on <paramref name="directory"/>, or fails at once.</summary>
    /// <exception cref="IOException">Another process holds it; the message names its process id where it can be found.</exception>
    public static WriterLock Acquire(string directory, int rank)
    {
        string path = System.IO.Path.Combine(directory, FileName(rank));
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
        {
            string holder = Holder(path) is { } pid ? $"process {pid}" : "another process";
            throw new WriterLockedException(
                $"'{directory}' is being written by {holder} (rank {rank}; it holds {FileName(rank)}): two writers of one rank in one directory would " +
                "destroy each other's files. Wait for it to finish, or stop it and run again with --resume.", e);
        }
        try
        {
            byte[] pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            stream.SetLength(0);
            stream.Write(pid);
            stream.Flush();
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return new WriterLock(path, stream);
    }

    /// <summary>Removes the lock file and releases the lock.</summary>
    public void Dispose()
    {
        try { File.Delete(Path); } // while still held, so no one takes a lock on a file about to vanish
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        _stream.Dispose();
    }

    /// <summary>The id of a process that has <paramref name="path"/> open, from /proc/PID/fd (Linux), or null.</summary>
    private static int? Holder(string path)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc")) return null;
        string full = System.IO.Path.GetFullPath(path);
        try
        {
            foreach (string process in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(System.IO.Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                try
                {
                    foreach (string fd in Directory.EnumerateFileSystemEntries(System.IO.Path.Combine(process, "fd")))
                        if (new FileInfo(fd).LinkTarget == full) return pid;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // a process that ended meanwhile, or one we may not inspect
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}

/// <summary>Another writer holds the lock of this rank on the checkpoint directory (<see cref="WriterLock"/>).</summary>
public sealed class WriterLockedException : IOException
{
    /// <summary>A lock failure with its message and cause.</summary>
    public WriterLockedException(string message, Exception inner) : base(message, inner)
    {
    }
}
