namespace WeightInit.IO;

/// <summary>Writes a file so that the final name shows either the complete new content or nothing new at all.</summary>
/// <remarks>
/// The content goes to a temporary file beside the target (".NAME.tmp-PID", same directory so the rename stays on
/// one file system), is flushed to the device (<see cref="FileStream.Flush(bool)"/> with <c>true</c>: fsync on Unix,
/// FlushFileBuffers on Windows), and only then renamed over the final name, which POSIX rename makes atomic.
/// On any exception the temporary file is deleted and the final name is left as it was (absent, or the previous
/// file untouched). The directory entry itself is not fsynced (.NET has no managed API for it), so after a power
/// loss the rename may be lost, but never half done.
/// <para>Test hook, for tests only: with the environment variable <c>WEIGHTINIT_TEST_CRASH_AT=N</c> the process kills itself
/// (SIGKILL: no clean-up code runs, as after a power cut of the process) just before the N-th fsync or rename done here, counting
/// from 1, after writing "weightinit: killed by WEIGHTINIT_TEST_CRASH_AT before fsync|rename of NAME" to standard error. Tests use
/// it to stop a writer at every commit point and check what <c>--resume</c> makes of the directory.</para>
/// </remarks>
public static class AtomicFile
{
    /// <summary>The environment variable of the crash test hook (see the remarks on the type).</summary>
    public const string CrashVariable = "WEIGHTINIT_TEST_CRASH_AT";

    private static long _crashCountdown =
        long.TryParse(Environment.GetEnvironmentVariable(CrashVariable), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n) ? n : -1;

    /// <summary>Creates or replaces <paramref name="path"/> with what <paramref name="write"/> writes.</summary>
    /// <param name="path">The final file name; its directory must exist.</param>
    /// <param name="write">Writes the whole content to the stream it is given (positioned at 0, seekable).</param>
    /// <param name="expectedLength">The exact length the content will have, or -1 when unknown. When known, the
    /// space is reserved up front (so a full device fails before any writing) and the length is checked before the rename.</param>
    /// <exception cref="DirectoryNotFoundException">The directory of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The device is full (the message says so, with the size), or another I/O error.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="write"/> wrote a different length than <paramref name="expectedLength"/>.</exception>
    public static void Write(string path, Action<FileStream> write, long expectedLength = -1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedLength, -1);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot write '{fullPath}': the directory '{directory}' does not exist.");
        string temporary = TemporaryPath(fullPath);
        try
        {
            // A leftover from a crashed process that had the same id is garbage; never append to it.
            File.Delete(temporary);
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                BufferSize = 1 << 16,
                PreallocationSize = Math.Max(0, expectedLength),
            };
            using (var stream = new FileStream(temporary, options))
            {
                write(stream);
                if (expectedLength >= 0 && stream.Length != expectedLength)
                    throw new InvalidOperationException(
                        $"Writing '{fullPath}' produced {stream.Length} bytes where {expectedLength} were expected; the file was not created.");
                CrashPoint("fsync", fullPath);
                stream.Flush(flushToDisk: true);
            }
            CrashPoint("rename", fullPath);
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (Exception e)
        {
            TryDelete(temporary);
            if (e is IOException io && IsDiskFull(io))
                throw new IOException(
                    $"The device is full: writing '{fullPath}'{(expectedLength >= 0 ? $" ({expectedLength} bytes)" : "")} failed and nothing was written " +
                    "under that name. Free some space or choose another directory.", e);
            throw;
        }
    }

    private static void CrashPoint(string what, string path)
    {
        if (_crashCountdown <= 0 || Interlocked.Decrement(ref _crashCountdown) != 0) return;
        Console.Error.WriteLine($"weightinit: killed by {CrashVariable} before {what} of {Path.GetFileName(path)}");
        Console.Error.Flush();
        System.Diagnostics.Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>The temporary name used for <paramref name="fullPath"/>: ".NAME.tmp-PID" in the same directory.</summary>
    public static string TemporaryPath(string fullPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fullPath);
        string directory = Path.GetDirectoryName(Path.GetFullPath(fullPath)) ?? "";
        return Path.Combine(directory, $".{Path.GetFileName(fullPath)}.tmp-{Environment.ProcessId}");
    }

    /// <summary>Removes the temporaries of <paramref name="fullPath"/> that killed writers left (".NAME.tmp-PID", any PID); returns how many.</summary>
    /// <remarks>Call it only while no other live process writes that name (the checkpoint writer holds its directory lock).</remarks>
    public static int RemoveStaleTemporaries(string fullPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fullPath);
        string directory = Path.GetDirectoryName(Path.GetFullPath(fullPath)) ?? "";
        if (!Directory.Exists(directory)) return 0;
        int removed = 0;
        foreach (string stale in Directory.EnumerateFiles(directory, $".{Path.GetFileName(fullPath)}.tmp-*"))
        {
            // Only ".NAME.tmp-" followed by digits (a PID) is ours; Windows' pattern matching is looser than the name.
            string pid = Path.GetFileName(stale)[($".{Path.GetFileName(fullPath)}.tmp-").Length..];
            if (pid.Length == 0 || !pid.All(char.IsAsciiDigit)) continue;
            TryDelete(stale);
            removed++;
        }
        return removed;
    }

    /// <summary>True when the exception reports a full device (ENOSPC on Unix; ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL on Windows).</summary>
    internal static bool IsDiskFull(IOException e)
    {
        const int EnoSpc = 28;
        const int ErrorHandleDiskFull = unchecked((int)0x80070027);
        const int ErrorDiskFull = unchecked((int)0x80070070);
        if (e.HResult is EnoSpc or ErrorHandleDiskFull or ErrorDiskFull)
            return true;
        // FileStream's preallocation reports ENOSPC with a generic HResult and this wording ("... because the disk was full.").
        return e.Message.Contains("disk was full", StringComparison.OrdinalIgnoreCase)
               || e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original exception matters more than a failed clean-up.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
