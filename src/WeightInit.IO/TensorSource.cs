using System.Buffers.Binary;
using System.Runtime.InteropServices;
using WeightInit.Sampling;

namespace WeightInit.IO;

/// <summary>Produces the little-endian bytes of elements [<paramref name="firstElement"/>, firstElement + n) of a tensor,
/// where n = <paramref name="destination"/>.Length / element size.</summary>
/// <remarks>Writers call it with consecutive ranges in ascending order, each element exactly once, so a sequential
/// generator can be drained straight into the file without ever holding the whole tensor.</remarks>
public delegate void TensorFill(long firstElement, Span<byte> destination);

/// <summary>Produces elements [<paramref name="firstElement"/>, firstElement + destination.Length) of a tensor as values.</summary>
/// <typeparam name="T">The element type the producer works in.</typeparam>
public delegate void ElementFill<T>(long firstElement, Span<T> destination);

/// <summary>A tensor to be written: name, element type, shape and the callback that produces its data.</summary>
public sealed class TensorSource
{
    /// <summary>Describes a tensor; the shape is copied.</summary>
    /// <exception cref="ArgumentException">Empty name, a negative dimension, or more bytes than a long can count.</exception>
    public TensorSource(string name, TensorDType dtype, IReadOnlyList<long> shape, TensorFill fill)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(fill);
        _ = dtype.ElementSize(); // rejects values outside the enum
        Name = name;
        DType = dtype;
        Shape = shape.ToArray();
        ElementCount = CountElements(Shape, name);
        try { ByteLength = checked(ElementCount * dtype.ElementSize()); }
        catch (OverflowException)
        {
            throw new ArgumentException($"Tensor '{name}' [{string.Join(", ", Shape)}] has {ElementCount} elements of {dtype.ElementSize()} bytes: more bytes than a 64-bit size holds (2⁶³ − 1).");
        }
        Fill = fill;
    }

    /// <summary>The tensor's name (the safetensors key, or the .npz member name without ".npy").</summary>
    public string Name { get; }
    /// <summary>The element type in the file.</summary>
    public TensorDType DType { get; }
    /// <summary>Dimensions, outermost first (row-major); empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }
    /// <summary>The product of the dimensions (1 for a scalar, 0 when a dimension is 0).</summary>
    public long ElementCount { get; }
    /// <summary><see cref="ElementCount"/> × element size.</summary>
    public long ByteLength { get; }
    /// <summary>The data callback.</summary>
    public TensorFill Fill { get; }

    /// <summary>The product of <paramref name="shape"/>, checked.</summary>
    /// <exception cref="ArgumentException">A negative dimension, or a product past <see cref="long.MaxValue"/>.</exception>
    public static long CountElements(IReadOnlyList<long> shape, string? tensorName = null) => Shapes.ElementCount.Of(shape, tensorName);

    /// <summary>Streams all data of this tensor to <paramref name="stream"/> in chunks of at most <paramref name="chunkBytes"/> bytes.</summary>
    internal void WriteData(Stream stream, int chunkBytes)
    {
        int size = DType.ElementSize();
        int chunkElements = Math.Max(1, chunkBytes / size);
        long remaining = ElementCount;
        if (remaining == 0)
            return;
        byte[] buffer = new byte[(int)Math.Min(remaining, chunkElements) * size];
        long first = 0;
        while (remaining > 0)
        {
            int n = (int)Math.Min(remaining, chunkElements);
            var chunk = buffer.AsSpan(0, n * size);
            chunk.Clear(); // a callback that skips elements writes zeros, never stale bytes of the previous chunk
            Fill(first, chunk);
            stream.Write(chunk);
            first += n;
            remaining -= n;
        }
    }
}

/// <summary>Adapters from typed producers to <see cref="TensorFill"/>.</summary>
public static class TensorFills
{
    /// <summary>A fill whose values are produced as float32 and stored as <paramref name="dtype"/>
    /// (float64: exact widening; float16 and bfloat16: round to nearest, ties to even).</summary>
    public static TensorFill FromSingle(TensorDType dtype, ElementFill<float> fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        return dtype switch
        {
            TensorDType.Float32 => (first, bytes) =>
            {
                fill(first, MemoryMarshal.Cast<byte, float>(bytes));
                ToLittleEndian32(bytes);
            },
            _ => WithScratch<float>(dtype, (first, values, bytes) =>
            {
                fill(first, values);
                Store(values, dtype, bytes);
            }),
        };
    }

    /// <summary>A fill whose values are produced as float64 and stored as <paramref name="dtype"/>
    /// (float32, float16: round to nearest, ties to even; bfloat16: rounded to float32 first, then to bfloat16).</summary>
    public static TensorFill FromDouble(TensorDType dtype, ElementFill<double> fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        return dtype switch
        {
            TensorDType.Float64 => (first, bytes) =>
            {
                fill(first, MemoryMarshal.Cast<byte, double>(bytes));
                if (!BitConverter.IsLittleEndian)
                {
                    var words = MemoryMarshal.Cast<byte, ulong>(bytes);
                    BinaryPrimitives.ReverseEndianness(words, words);
                }
            },
            TensorDType.Float16 => WithScratch<double>(dtype, (first, values, bytes) =>
            {
                fill(first, values);
                // double → half directly: going through float32 first could round twice.
                var halves = MemoryMarshal.Cast<byte, ushort>(bytes);
                for (int i = 0; i < values.Length; i++)
                    halves[i] = BitConverter.HalfToUInt16Bits((Half)values[i]);
                ToLittleEndian16(bytes);
            }),
            _ => WithScratch<double>(dtype, (first, values, bytes) =>
            {
                fill(first, values);
                float[] singles = new float[values.Length];
                for (int i = 0; i < values.Length; i++)
                    singles[i] = (float)values[i];
                Store(singles, dtype, bytes);
            }),
        };
    }

    private delegate void ScratchFill<T>(long firstElement, Span<T> values, Span<byte> destination);

    /// <summary>A fill that lends <paramref name="body"/> a typed buffer of the chunk's element count, reused across chunks
    /// (writers call a fill from one thread at a time).</summary>
    private static TensorFill WithScratch<T>(TensorDType dtype, ScratchFill<T> body)
    {
        T[] scratch = [];
        return (first, bytes) =>
        {
            int n = bytes.Length / dtype.ElementSize();
            if (scratch.Length < n)
                scratch = new T[n];
            body(first, scratch.AsSpan(0, n), bytes);
        };
    }

    /// <summary>Stores float32 values as <paramref name="dtype"/> little-endian bytes (ties to even for the 16-bit types).</summary>
    internal static void Store(ReadOnlySpan<float> values, TensorDType dtype, Span<byte> bytes)
    {
        switch (dtype)
        {
            case TensorDType.Float32:
                MemoryMarshal.Cast<float, byte>(values).CopyTo(bytes);
                ToLittleEndian32(bytes);
                break;
            case TensorDType.Float64:
                var doubles = MemoryMarshal.Cast<byte, double>(bytes);
                for (int i = 0; i < values.Length; i++)
                    doubles[i] = values[i];
                if (!BitConverter.IsLittleEndian)
                {
                    var words = MemoryMarshal.Cast<byte, ulong>(bytes);
                    BinaryPrimitives.ReverseEndianness(words, words);
                }
                break;
            case TensorDType.Float16:
                var halves = MemoryMarshal.Cast<byte, ushort>(bytes);
                for (int i = 0; i < values.Length; i++)
                    halves[i] = BitConverter.HalfToUInt16Bits((Half)values[i]);
                ToLittleEndian16(bytes);
                break;
            case TensorDType.BFloat16:
                var brains = MemoryMarshal.Cast<byte, ushort>(bytes);
                for (int i = 0; i < values.Length; i++)
                    brains[i] = BFloat16Bits.FromSingle(values[i]);
                ToLittleEndian16(bytes);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown element type.");
        }
    }

    private static void ToLittleEndian32(Span<byte> bytes)
    {
        if (BitConverter.IsLittleEndian) return;
        var words = MemoryMarshal.Cast<byte, uint>(bytes);
        BinaryPrimitives.ReverseEndianness(words, words);
    }

    private static void ToLittleEndian16(Span<byte> bytes)
    {
        if (BitConverter.IsLittleEndian) return;
        var words = MemoryMarshal.Cast<byte, ushort>(bytes);
        BinaryPrimitives.ReverseEndianness(words, words);
    }
}
