using System.Buffers;
using System.Runtime.InteropServices;
using TorchSharp;
using WeightInit.Initializers;
using WeightInit.Shapes;
using WeightInit.Random;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp;

/// <summary>Produces a tensor's elements in row-major (logical) order, as raw bytes of the tensor's dtype.</summary>
internal interface IElementSource
{
    /// <summary>Writes elements <paramref name="firstIndex"/>… (<paramref name="destination"/>.Length / element size of them).</summary>
    void Fill(long firstIndex, Span<byte> destination, ScalarType dtype);
}

/// <summary>Elements of a WeightInit initializer: exactly <see cref="Initializer.Fill(PhiloxKey, WeightShape, Span{float}, long, WeightInit.Sampling.SamplingOptions?)"/>
/// (or its float64, float16, bfloat16 overloads) for the same key, shape and range.</summary>
internal sealed class InitializerSource(Initializer initializer, PhiloxKey key, WeightShape shape, WeightInit.Sampling.SamplingOptions? options = null) : IElementSource
{
    public void Fill(long firstIndex, Span<byte> destination, ScalarType dtype)
    {
        switch (dtype)
        {
            case ScalarType.Float32: initializer.Fill(key, shape, MemoryMarshal.Cast<byte, float>(destination), firstIndex, options); break;
            case ScalarType.Float64: initializer.Fill(key, shape, MemoryMarshal.Cast<byte, double>(destination), firstIndex, options); break;
            case ScalarType.Float16: initializer.Fill(key, shape, MemoryMarshal.Cast<byte, Half>(destination), firstIndex, options); break;
            case ScalarType.BFloat16: initializer.FillBFloat16Bits(key, shape, MemoryMarshal.Cast<byte, ushort>(destination), firstIndex, options); break;
            default: throw TensorWriter.Unsupported(dtype);
        }
    }
}

/// <summary>Elements held in a float32 or float64 array (the torch mode draws whole tensors); the tensor's dtype must be the array's.</summary>
internal sealed class ArraySource : IElementSource
{
    private readonly float[]? _singles;
    private readonly double[]? _doubles;

    public ArraySource(float[] values) => _singles = values;

    public ArraySource(double[] values) => _doubles = values;

    public void Fill(long firstIndex, Span<byte> destination, ScalarType dtype)
    {
        int start = checked((int)firstIndex);
        if (_singles is not null && dtype == ScalarType.Float32)
            _singles.AsSpan(start, destination.Length / 4).CopyTo(MemoryMarshal.Cast<byte, float>(destination));
        else if (_doubles is not null && dtype == ScalarType.Float64)
            _doubles.AsSpan(start, destination.Length / 8).CopyTo(MemoryMarshal.Cast<byte, double>(destination));
        else
            throw new InvalidOperationException($"An array of {(_singles is null ? "float64" : "float32")} values cannot fill a {dtype} tensor.");
    }
}

/// <summary>Writes a TorchSharp tensor's elements in place.</summary>
/// <remarks>
/// <para>CPU, contiguous: the source writes straight into the tensor's memory through <see cref="Tensor.bytes"/>, a Span over
/// the tensor's own elements (the view's storage offset applied), in chunks of at most <see cref="ChunkElements"/> elements
/// (each a contiguous <c>narrow</c> of the flattened tensor, so no Span passes 2 GiB). No copy.</para>
/// <para>CPU, non-contiguous (a transposed or sliced view): a contiguous 1-D alias (<c>as_strided</c>) spans the storage from the
/// view's first to its last element; values are produced in logical order into a small buffer and each is stored at
/// Σ index_d·stride_d. Only the view's elements are written; storage between them is untouched.</para>
/// <para>Other devices (CUDA): one CPU staging tensor of the same shape and dtype is filled, then copied with <c>copy_</c>.</para>
/// </remarks>
internal static class TensorWriter
{
    /// <summary>Elements per contiguous chunk (2^26; settable so tests can reach the chunked path with small tensors).</summary>
    internal static long ChunkElements { get; set; } = 1L << 26;

    /// <summary>Sends CPU tensors through the staging copy that other devices take (the same bytes; tests use it to run that
    /// path on machines without a GPU).</summary>
    internal static bool StageEveryTensor { get; set; }

    private const int ScatterElements = 1 << 14;

    /// <summary>The dtypes WeightInit writes.</summary>
    internal static readonly ScalarType[] FloatTypes = [ScalarType.Float32, ScalarType.Float64, ScalarType.Float16, ScalarType.BFloat16];

    internal static Exception Unsupported(ScalarType dtype) =>
        new ArgumentException($"WeightInit writes float32, float64, float16 and bfloat16 tensors; this one is {dtype}.");

    /// <summary>Why <paramref name="tensor"/> cannot be written in place, or null when it can: a tensor on the meta device holds
    /// no data (a write would silently do nothing), and a view whose elements share memory (a stride-0 dimension from
    /// <c>expand</c>, or any other overlap) cannot hold one value per element. Callers check every tensor before the first write.</summary>
    internal static string? WhyNotWritable(Tensor tensor)
    {
        if (tensor.device_type == DeviceType.META)
            return "is on the meta device, which holds no data (writing it would do nothing); create the module on the CPU or a CUDA device first";
        if (tensor.numel() > 1 && !tensor.is_contiguous() && Overlaps(tensor.shape, tensor.stride()))
            return $"is a view whose elements share memory (sizes [{string.Join(", ", tensor.shape)}], strides [{string.Join(", ", tensor.stride())}], " +
                "e.g. from expand), so it cannot hold one value per element; give the module a tensor of its own (clone() or contiguous())";
        return null;
    }

    /// <summary>Whether two elements of the view (sizes, strides) have the same storage offset.</summary>
    internal static bool Overlaps(long[] sizes, long[] strides)
    {
        // Quick sufficient test: with the dimensions sorted by stride, each stride passes the span of all smaller ones.
        var dims = Enumerable.Range(0, sizes.Length).Where(d => sizes[d] > 1).OrderBy(d => strides[d]).ToArray();
        long span = 0;
        bool separated = true;
        foreach (int d in dims)
        {
            if (strides[d] == 0) return true;
            if (strides[d] <= span) { separated = false; break; }
            span += (sizes[d] - 1) * strides[d];
        }
        if (separated) return false;
        // Exact: mark every element's offset (rare interleaved as_strided views only).
        long extent = 1;
        foreach (int d in dims) extent += (sizes[d] - 1) * strides[d];
        var seen = new System.Collections.BitArray(checked((int)extent));
        var index = new long[dims.Length];
        long offset = 0;
        while (true)
        {
            if (seen[(int)offset]) return true;
            seen[(int)offset] = true;
            int k = dims.Length - 1;
            for (; k >= 0; k--)
            {
                int d = dims[k];
                if (++index[k] < sizes[d]) { offset += strides[d]; break; }
                offset -= (sizes[d] - 1) * strides[d];
                index[k] = 0;
            }
            if (k < 0) return false;
        }
    }

    /// <summary>Writes every element of <paramref name="tensor"/> from <paramref name="source"/>.</summary>
    public static void Write(Tensor tensor, IElementSource source)
    {
        if (WhyNotWritable(tensor) is { } why) throw new ArgumentException($"This tensor {why}.");
        using var _ = torch.no_grad();
        if (tensor.device_type != DeviceType.CPU || StageEveryTensor)
        {
            // One staging copy per tensor: filled on the CPU, then copied to the device.
            using var staging = torch.empty(tensor.shape, tensor.dtype, torch.CPU);
            WriteCpu(staging, source);
            tensor.copy_(staging);
            return;
        }
        WriteCpu(tensor, source);
    }

    private static void WriteCpu(Tensor tensor, IElementSource source)
    {
        long count = tensor.numel();
        if (count == 0) return;
        var dtype = tensor.dtype;
        if (tensor.is_contiguous())
        {
            if (count <= ChunkElements)
            {
                source.Fill(0, tensor.bytes, dtype);
                return;
            }
            using var flat = tensor.view(-1);
            for (long first = 0; first < count; first += ChunkElements)
            {
                using var part = flat.narrow(0, first, Math.Min(ChunkElements, count - first));
                source.Fill(first, part.bytes, dtype);
            }
            return;
        }
        WriteStrided(tensor, source, dtype, count);
    }

    private static void WriteStrided(Tensor tensor, IElementSource source, ScalarType dtype, long count)
    {
        long[] sizes = tensor.shape;
        long[] strides = tensor.stride();
        long extent = 1;
        for (int d = 0; d < sizes.Length; d++)
        {
            if (strides[d] < 0) throw new ArgumentException($"A tensor with a negative stride ({string.Join(", ", strides)}) cannot be written in place.");
            extent += (sizes[d] - 1) * strides[d];
        }
        int size = (int)tensor.ElementSize;
        // A contiguous alias over the storage the view spans: its Span starts at the view's first element.
        using var alias = tensor.as_strided([extent], [1], tensor.storage_offset());
        Span<byte> storage = alias.bytes;
        var index = new long[sizes.Length];
        var buffer = ArrayPool<byte>.Shared.Rent(ScatterElements * size);
        try
        {
            long offset = 0;
            for (long first = 0; first < count; first += ScatterElements)
            {
                int n = (int)Math.Min(ScatterElements, count - first);
                var values = buffer.AsSpan(0, n * size);
                source.Fill(first, values, dtype);
                for (int i = 0; i < n; i++)
                {
                    values.Slice(i * size, size).CopyTo(storage.Slice(checked((int)(offset * size)), size));
                    // Advance the row-major multi-index and its storage offset.
                    for (int d = sizes.Length - 1; d >= 0; d--)
                    {
                        if (++index[d] < sizes[d]) { offset += strides[d]; break; }
                        offset -= (sizes[d] - 1) * strides[d];
                        index[d] = 0;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
