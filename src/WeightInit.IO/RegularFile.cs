using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace WeightInit.IO;

/// <summary>What a path names on disk, as <c>stat</c>/<c>lstat</c> report it.</summary>
public enum FileKind
{
    /// <summary>Nothing by that name.</summary>
    Missing,
    /// <summary>A regular file.</summary>
    Regular,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A symbolic link (only when links are not followed).</summary>
    SymbolicLink,
    /// <summary>A FIFO (named pipe): reading it blocks until a writer appears.</summary>
    Fifo,
    /// <summary>A character device such as /dev/zero (endless) or /dev/tty.</summary>
    CharacterDevice,
    /// <summary>A block device.</summary>
    BlockDevice,
    /// <summary>A Unix socket.</summary>
    Socket,
}

/// <summary>Reads input files only when they are regular files, and never more than a stated number of bytes.</summary>
/// <remarks>A FIFO blocks a reader forever and /dev/zero never ends, so every file the tools read as input (a spec, a
/// manifest, an index) goes through <see cref="ReadText"/>: it refuses anything but a regular file, naming what it is, and
/// refuses files longer than the limit before reading them.</remarks>
public static class RegularFile
{
    /// <summary>The largest JSON input read (spec, manifest, index): 64 MiB, far beyond any real one.</summary>
    public const long MaxJsonBytes = 64L << 20;

    /// <summary>What <paramref name="path"/> is; with <paramref name="followLinks"/> false a symbolic link is reported as such.</summary>
    public static FileKind KindOf(string path, bool followLinks = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsWindows())
        {
            var info = new FileInfo(path);
            if (!followLinks && info.Exists && info.LinkTarget is not null) return FileKind.SymbolicLink;
            return info.Exists ? FileKind.Regular : System.IO.Directory.Exists(path) ? FileKind.Directory : FileKind.Missing;
        }
        var status = new FileStatus();
        int rc = followLinks ? Stat(path, ref status) : LStat(path, ref status);
        if (rc != 0) return FileKind.Missing;
        // System.Native reports the mode with its own portable S_IF* constants (pal_io.h).
        return (status.Mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Missing,
        };
    }

    /// <summary>A description of <paramref name="kind"/> for messages ("a directory", "a FIFO (named pipe)", …).</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => kind.ToString(),
    };

    /// <summary>Checks that <paramref name="path"/> is a regular file (following links unless <paramref name="followLinks"/> is false).</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is, for the message (e.g. "Model spec").</param>
    /// <param name="followLinks">False to refuse a symbolic link itself.</param>
    /// <exception cref="ArgumentException">It does not exist or is something else; the message says what.</exception>
    public static void Require(string path, string what, bool followLinks = true)
    {
        var kind = KindOf(path, followLinks);
        if (kind == FileKind.Regular) return;
        throw new ArgumentException(kind == FileKind.Missing
            ? $"{what} '{path}' does not exist."
            : $"{what} '{path}' is {Describe(kind)}, not a regular file{(kind == FileKind.SymbolicLink ? " (symbolic links are refused)" : "")}.");
    }

    /// <summary>The UTF-8 text of the regular file <paramref name="path"/>, at most <paramref name="maxBytes"/> long.</summary>
    /// <exception cref="ArgumentException">Not a regular file, or longer than <paramref name="maxBytes"/>; the message states the limit.</exception>
    public static string ReadText(string path, string what, long maxBytes = MaxJsonBytes, bool followLinks = true)
    {
        Require(path, what, followLinks);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (stream.Length > maxBytes) throw TooLong(path, what, stream.Length, maxBytes);
        var buffer = new byte[(int)stream.Length + 1];
        int total = 0, n;
        while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0) total += n;
        if (total > stream.Length && total > maxBytes) throw TooLong(path, what, total, maxBytes); // it grew while being read
        return new UTF8Encoding(false, true).GetString(buffer, 0, Math.Min(total, (int)Math.Min(maxBytes, int.MaxValue)));
    }

    private static ArgumentException TooLong(string path, string what, long length, long maxBytes) =>
        new($"{what} '{path}' is {length} bytes; at most {maxBytes} bytes ({maxBytes >> 20} MiB) are read.");

    /// <summary>Refuses a JSON object that names one key twice, anywhere in <paramref name="element"/> (System.Text.Json keeps the last silently).</summary>
    /// <param name="element">The JSON value.</param>
    /// <param name="where">Its JSON path, for the message ("$").</param>
    /// <exception cref="ArgumentException">The first duplicate key, with its JSON path.</exception>
    public static void RejectDuplicateKeys(JsonElement element, string where = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in element.EnumerateObject())
                {
                    if (!keys.Add(p.Name)) throw new ArgumentException($"{where}: the key \"{p.Name}\" appears twice; each key may appear once.");
                    RejectDuplicateKeys(p.Value, $"{where}.{p.Name}");
                }
                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var e in element.EnumerateArray()) RejectDuplicateKeys(e, $"{where}[{i++}]");
                break;
        }
    }

    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct FileStatus
    {
        public int Flags;
        public int Mode;
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref FileStatus status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    private static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref FileStatus status);
}
