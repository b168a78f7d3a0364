using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace WeightInit.IO;

/// <summary>One tensor listed in a safetensors header.</summary>
/// <param name="Name">The tensor's key.</param>
/// <param name="DType">Its element type.</param>
/// <param name="Shape">Its dimensions, outermost first.</param>
/// <param name="DataBegin">First byte, relative to the start of the data buffer.</param>
/// <param name="DataEnd">One past the last byte, relative to the start of the data buffer.</param>
public sealed record SafetensorsTensorInfo(string Name, TensorDType DType, IReadOnlyList<long> Shape, long DataBegin, long DataEnd)
{
    /// <summary>The product of the dimensions.</summary>
    public long ElementCount => TensorSource.CountElements(Shape);
    /// <summary><see cref="DataEnd"/> − <see cref="DataBegin"/>.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <summary>Equal when every field, including each dimension, is equal.</summary>
    public bool Equals(SafetensorsTensorInfo? other) =>
        other is not null && Name == other.Name && DType == other.DType && Shape.SequenceEqual(other.Shape)
        && DataBegin == other.DataBegin && DataEnd == other.DataEnd;

    /// <summary>A hash consistent with <see cref="Equals(SafetensorsTensorInfo?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Name, DType, Shape.Count, DataBegin, DataEnd);
}

/// <summary>Reads and validates a safetensors header; reads tensor bytes only when asked.</summary>
/// <remarks>
/// Validation follows the reference implementation (safetensors/src/tensor.rs, <c>Metadata::validate</c>): the file
/// holds at least the 8-byte length; the header fits in the file and in <see cref="MaxHeaderLength"/>; it is UTF-8
/// JSON (leading and trailing whitespace allowed) whose top level is an object without duplicate keys; every entry
/// has exactly "dtype", "shape" and "data_offsets"; "__metadata__" maps strings to strings; sorted by offset, each
/// tensor starts where the previous one ends (no overlap, no hole); each byte range equals elements × element size;
/// and the buffer ends exactly at the end of the file. Only F32, F64, F16 and BF16 are understood.
/// Every error is an <see cref="InvalidDataException"/> naming the file, the problem and the tensor.
/// </remarks>
public sealed class SafetensorsReader : IDisposable
{
    /// <summary>The largest header accepted (the reference implementation's MAX_HEADER_SIZE).</summary>
    public const long MaxHeaderLength = 100_000_000;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly string _source;
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;

    private SafetensorsReader(Stream stream, bool leaveOpen, string source, long headerLength,
        List<SafetensorsTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _source = source;
        HeaderLength = headerLength;
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>N, the JSON header's length in bytes (padding included).</summary>
    public long HeaderLength { get; }
    /// <summary>Where the data buffer starts in the file: 8 + <see cref="HeaderLength"/>.</summary>
    public long DataStart => 8 + HeaderLength;
    /// <summary>The tensors in the order their data is stored.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }
    /// <summary>The "__metadata__" map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor; the message lists the names.</exception>
    public SafetensorsTensorInfo this[string name] =>
        _byName.TryGetValue(name, out var info)
            ? info
            : throw new KeyNotFoundException($"{_source} has no tensor '{name}'; it has: {string.Join(", ", Tensors.Select(t => t.Name))}.");

    /// <summary>Opens and validates <paramref name="path"/>; the file stays open for <see cref="ReadBytes(string)"/> until disposed.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file (the message says why).</exception>
    public static SafetensorsReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            return Open(stream, leaveOpen: false, $"'{path}'");
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Validates the safetensors file held by <paramref name="stream"/> (readable and seekable, starting at position 0).</summary>
    /// <exception cref="InvalidDataException">The content is not a valid safetensors file (the message says why).</exception>
    public static SafetensorsReader Open(Stream stream, bool leaveOpen = false, string source = "the safetensors stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
            throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw Bad(source, $"is {fileLength} bytes long, shorter than the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > MaxHeaderLength)
            throw Bad(source, $"declares a header of {n} bytes, more than the {MaxHeaderLength} allowed (not a safetensors file?)");
        if (8 + (long)n > fileLength)
            throw Bad(source, $"declares a header of {n} bytes, but only {fileLength - 8} bytes follow the length");
        var headerBytes = new byte[(int)n];
        stream.ReadExactly(headerBytes);
        var (tensors, metadata) = ParseHeader(headerBytes, source);
        Validate(tensors, 8 + (long)n, fileLength, source);
        return new SafetensorsReader(stream, leaveOpen, source, (long)n, tensors, metadata);
    }

    private static (List<SafetensorsTensorInfo>, Dictionary<string, string>) ParseHeader(byte[] header, string source)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(header);
        }
        catch (DecoderFallbackException e)
        {
            throw Bad(source, $"has a header that is not valid UTF-8 (byte {e.Index})");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw Bad(source, $"has a header that is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Bad(source, $"has a JSON header that is a {root.ValueKind}, not an object");
            var tensors = new List<SafetensorsTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!keys.Add(property.Name))
                    throw Bad(source, $"lists '{property.Name}' twice in its header");
                if (property.Name == SafetensorsWriter.MetadataKey)
                    ReadMetadata(property.Value, metadata, source);
                else
                    tensors.Add(ReadTensor(property.Name, property.Value, source));
            }
            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(source, $"has a '{SafetensorsWriter.MetadataKey}' that is a {value.ValueKind}, not a string-to-string object");
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw Bad(source, $"has metadata '{entry.Name}' whose value is a {entry.Value.ValueKind}; metadata values must be strings");
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
                throw Bad(source, $"lists metadata '{entry.Name}' twice");
        }
    }

    private static SafetensorsTensorInfo ReadTensor(string name, JsonElement value, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(source, $"describes tensor '{name}' with a {value.ValueKind}, not an object with dtype, shape and data_offsets");
        JsonElement? dtype = null, shape = null, offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtype is null: dtype = field.Value; break;
                case "shape" when shape is null: shape = field.Value; break;
                case "data_offsets" when offsets is null: offsets = field.Value; break;
                case "dtype" or "shape" or "data_offsets":
                    throw Bad(source, $"lists '{field.Name}' twice for tensor '{name}'");
                default:
                    throw Bad(source, $"has an unknown field '{field.Name}' for tensor '{name}'; allowed: dtype, shape, data_offsets");
            }
        }
        if (dtype is null || shape is null || offsets is null)
        {
            string missing = string.Join(", ", new[] { ("dtype", dtype), ("shape", shape), ("data_offsets", offsets) }.Where(f => f.Item2 is null).Select(f => f.Item1));
            throw Bad(source, $"lacks {missing} for tensor '{name}'");
        }
        if (dtype.Value.ValueKind != JsonValueKind.String)
            throw Bad(source, $"gives tensor '{name}' a dtype that is a {dtype.Value.ValueKind}, not a string");
        TensorDType type;
        try
        {
            type = TensorDTypes.FromSafetensorsName(dtype.Value.GetString()!);
        }
        catch (ArgumentException)
        {
            throw Bad(source, $"gives tensor '{name}' dtype '{dtype.Value.GetString()}', which this reader does not support (supported: F32, F64, F16, BF16)");
        }
        var dims = ReadIntegers(shape.Value, name, "shape", source);
        var range = ReadIntegers(offsets.Value, name, "data_offsets", source);
        if (range.Length != 2)
            throw Bad(source, $"gives tensor '{name}' {range.Length} data_offsets; exactly two (begin, end) are required");
        if (range[1] < range[0])
            throw Bad(source, $"gives tensor '{name}' data_offsets [{range[0]}, {range[1]}] that end before they begin");
        return new SafetensorsTensorInfo(name, type, dims, range[0], range[1]);
    }

    private static long[] ReadIntegers(JsonElement value, string name, string field, string source)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw Bad(source, $"gives tensor '{name}' a {field} that is a {value.ValueKind}, not an array of integers");
        var result = new long[value.GetArrayLength()];
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long x) || x < 0)
                throw Bad(source, $"gives tensor '{name}' a {field} entry {item.GetRawText()} that is not a non-negative integer");
            result[i++] = x;
        }
        return result;
    }

    private static void Validate(List<SafetensorsTensorInfo> tensors, long dataStart, long fileLength, string source)
    {
        // Sort by data position (stable, so equal empty ranges keep header order) and require a gapless tiling.
        var ordered = tensors.Select((t, i) => (t, i)).OrderBy(p => p.t.DataBegin).ThenBy(p => p.t.DataEnd).ThenBy(p => p.i).Select(p => p.t).ToList();
        long expectedBegin = 0;
        SafetensorsTensorInfo? previous = null;
        foreach (var t in ordered)
        {
            if (t.DataBegin != expectedBegin)
            {
                string where = previous is null ? "the buffer starts at 0" : $"the previous tensor '{previous.Name}' ends at {expectedBegin}";
                string problem = t.DataBegin < expectedBegin ? "overlap" : $"a hole of {t.DataBegin - expectedBegin} bytes";
                throw Bad(source, $"places tensor '{t.Name}' at data_offsets [{t.DataBegin}, {t.DataEnd}] but {where} ({problem})");
            }
            long count, bytes;
            try
            {
                count = TensorSource.CountElements(t.Shape);
                bytes = checked(count * t.DType.ElementSize());
            }
            catch (Exception e) when (e is ArgumentException or OverflowException)
            {
                throw Bad(source, $"gives tensor '{t.Name}' shape [{string.Join(", ", t.Shape)}], whose byte size overflows");
            }
            if (t.ByteLength != bytes)
                throw Bad(source, $"gives tensor '{t.Name}' {t.ByteLength} bytes (data_offsets [{t.DataBegin}, {t.DataEnd}]), but {t.DType.SafetensorsName()} shape [{string.Join(", ", t.Shape)}] needs {count} × {t.DType.ElementSize()} = {bytes}");
            expectedBegin = t.DataEnd;
            previous = t;
        }
        long end = dataStart + expectedBegin;
        if (end != fileLength)
            throw Bad(source, end < fileLength
                ? $"is {fileLength} bytes long, but its tensors end at byte {end}: {fileLength - end} bytes are not covered by any tensor"
                : $"is {fileLength} bytes long, but its tensors end at byte {end}: the file is truncated by {end - fileLength} bytes");
        tensors.Clear();
        tensors.AddRange(ordered);
    }

    /// <summary>The raw little-endian bytes of tensor <paramref name="name"/>.</summary>
    public byte[] ReadBytes(string name)
    {
        var info = this[name];
        if (info.ByteLength > Array.MaxLength)
            throw new InvalidOperationException($"Tensor '{name}' has {info.ByteLength} bytes, more than one array holds; read it in parts with {nameof(ReadBytes)}(name, offset, destination).");
        var bytes = new byte[info.ByteLength];
        ReadBytes(name, 0, bytes);
        return bytes;
    }

    /// <summary>Reads bytes of tensor <paramref name="name"/> starting <paramref name="byteOffset"/> bytes into its data.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range runs past the tensor's data.</exception>
    public void ReadBytes(string name, long byteOffset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(!_stream.CanRead, this);
        var info = this[name];
        if (byteOffset < 0 || byteOffset + destination.Length > info.ByteLength)
            throw new ArgumentOutOfRangeException(nameof(byteOffset), $"Bytes [{byteOffset}, {byteOffset + destination.Length}) lie outside tensor '{name}' ({info.ByteLength} bytes).");
        _stream.Position = DataStart + info.DataBegin + byteOffset;
        _stream.ReadExactly(destination);
    }

    /// <summary>All elements of tensor <paramref name="name"/> converted exactly to double.</summary>
    public double[] ReadAsDoubles(string name)
    {
        var info = this[name];
        byte[] bytes = ReadBytes(name);
        var values = new double[info.ElementCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = info.DType switch
            {
                TensorDType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i)),
                TensorDType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(8 * i)),
                TensorDType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(2 * i)),
                _ => Sampling.BFloat16Bits.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2 * i))),
            };
        }
        return values;
    }

    private static InvalidDataException Bad(string source, string problem) => new($"Invalid safetensors file: {source} {problem}.");

    /// <summary>Closes the underlying stream unless it was left open.</summary>
    public void Dispose()
    {
        if (!_leaveOpen)
            _stream.Dispose();
    }
}
