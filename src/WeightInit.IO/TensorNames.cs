using System.Text;

namespace WeightInit.IO;

/// <summary>The one validator of tensor names for every file format (safetensors keys, .npy file names, .npz member names).</summary>
/// <remarks>A name that becomes a path (a .npy file, a .npz member that whoever extracts the archive writes to disk) must not
/// climb out of its directory ("zip slip"), so such names are plain file names. Every format, safetensors included, refuses
/// names that are paths leaving their directory or hold control characters, so that a checkpoint converted from one format to
/// another never carries such a name.</remarks>
public static class TensorNames
{
    /// <summary>The longest name (UTF-8 bytes) that may become a file name: with ".npy", the sidecar's ".crc32" and a temporary
    /// ".NAME.npy.crc32.tmp-PID" it stays below the 255 bytes most file systems allow for a name.</summary>
    public const int MaxFileNameBytes = 200;

    /// <summary>Checks a tensor name for every format.</summary>
    /// <exception cref="ArgumentException">Empty, a control character, a leading '/' or '\', or a "." or ".." path segment.</exception>
    public static void Check(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) throw new ArgumentException("A tensor has an empty name.");
        if (name.Any(char.IsControl))
            throw new ArgumentException($"Tensor name '{Escape(name)}' holds a control character; names must be printable.");
        if (name[0] is '/' or '\\' || name.Split('/', '\\').Any(s => s is "." or ".."))
            throw new ArgumentException($"Tensor name '{name}' is a path that leaves its directory (a leading '/' or '\\', or a '.' or '..' segment); names must not be.");
    }

    /// <summary>Checks that a tensor name can be a plain file name (a .npy file or a .npz member), after <see cref="Check"/>.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="format">The format, for the message ("npy", "npz").</param>
    /// <exception cref="ArgumentException">A '/', '\' or ':', a leading '.', or more than <see cref="MaxFileNameBytes"/> UTF-8 bytes.</exception>
    public static void CheckFileName(string name, string format)
    {
        Check(name);
        if (name.StartsWith('.') || name.IndexOfAny(['/', '\\', ':']) >= 0)
            throw new ArgumentException($"Tensor '{name}' cannot be a {format} file or member name (no '/', '\\', ':' and no leading '.'); write --format safetensors.");
        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > MaxFileNameBytes)
            throw new ArgumentException($"Tensor '{name[..Math.Min(name.Length, 40)]}…' has a name of {bytes} UTF-8 bytes; as a {format} file or member name it may have at most {MaxFileNameBytes}; write --format safetensors.");
    }

    private static string Escape(string name) => string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
