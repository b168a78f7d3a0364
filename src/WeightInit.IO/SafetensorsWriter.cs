using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace WeightInit.IO;

/// <summary>Writes safetensors files, streaming each tensor's data through its <see cref="TensorFill"/>.</summary>
/// <remarks>
/// Layout (huggingface/safetensors README, "Format"): an unsigned 64-bit little-endian header length N, N bytes of
/// UTF-8 JSON, then the data buffer. The JSON maps each tensor name to
/// <c>{"dtype":"F32","shape":[...],"data_offsets":[BEGIN,END]}</c> (offsets relative to the buffer, END one past),
/// optionally preceded by <c>"__metadata__"</c>, a string→string map (keys written in ordinal order). The header is
/// padded with spaces to a multiple of 8 bytes so that the buffer, and every tensor in it whose predecessors have
/// sizes that are multiples of 8, is aligned for direct casting. Tensors are stored in the order given, back to back,
/// with no holes. The bytes match the reference implementation's golden vectors for the same tensors and order.
/// </remarks>
public static class SafetensorsWriter
{
    /// <summary>The key reserved for the metadata map.</summary>
    public const string MetadataKey = "__metadata__";
    /// <summary>The header (JSON plus padding) is a multiple of this many bytes.</summary>
    public const int HeaderAlignment = 8;

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // No HTML context here: keep names readable (non-ASCII as UTF-8) while still escaping quotes and controls.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>The 8-byte length prefix followed by the padded JSON header for <paramref name="tensors"/>.</summary>
    /// <exception cref="ArgumentException">Duplicate tensor names, or a tensor named "__metadata__".</exception>
    public static byte[] Header(IReadOnlyList<TensorSource> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            if (t.Name == MetadataKey)
                throw new ArgumentException($"'{MetadataKey}' is reserved for the metadata map and cannot name a tensor.", nameof(tensors));
            if (!seen.Add(t.Name))
                throw new ArgumentException($"Two tensors are named '{t.Name}'; safetensors names must be unique.", nameof(tensors));
        }

        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json, JsonOptions))
        {
            writer.WriteStartObject();
            if (metadata is not null && metadata.Count > 0)
            {
                writer.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                    writer.WriteString(key, value ?? throw new ArgumentException($"Metadata value of '{key}' is null; values must be strings.", nameof(metadata)));
                writer.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in tensors)
            {
                writer.WriteStartObject(t.Name);
                writer.WriteString("dtype", t.DType.SafetensorsName());
                writer.WriteStartArray("shape");
                foreach (long d in t.Shape)
                    writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                offset = checked(offset + t.ByteLength);
                writer.WriteNumberValue(offset);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        int jsonLength = (int)json.Length;
        int padded = (jsonLength + HeaderAlignment - 1) / HeaderAlignment * HeaderAlignment;
        var bytes = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        json.GetBuffer().AsSpan(0, jsonLength).CopyTo(bytes.AsSpan(8));
        bytes.AsSpan(8 + jsonLength).Fill((byte)' ');
        return bytes;
    }

    /// <summary>The length of the file: header plus the sum of the tensors' byte lengths.</summary>
    public static long FileLength(IReadOnlyList<TensorSource> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        checked(Header(tensors, metadata).Length + tensors.Sum(t => t.ByteLength));

    /// <summary>Writes a safetensors file to <paramref name="stream"/>: header, then each tensor's data in order.</summary>
    public static void Write(Stream stream, IReadOnlyList<TensorSource> tensors, IReadOnlyDictionary<string, string>? metadata = null,
        int chunkBytes = NpyWriter.DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        stream.Write(Header(tensors, metadata));
        foreach (var t in tensors)
            t.WriteData(stream, chunkBytes);
    }

    /// <summary>Writes a safetensors file at <paramref name="path"/> atomically (see <see cref="AtomicFile"/>).</summary>
    public static void WriteFile(string path, IReadOnlyList<TensorSource> tensors, IReadOnlyDictionary<string, string>? metadata = null,
        int chunkBytes = NpyWriter.DefaultChunkBytes)
    {
        long length = FileLength(tensors, metadata);
        AtomicFile.Write(path, stream => Write(stream, tensors, metadata, chunkBytes), length);
    }
}
