using System.Globalization;
using WeightInit.IO;
using WeightInit.Initializers;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Cli;

/// <summary>An array of one <see cref="TensorDType"/> that initializers and distributions fill, read back as double or as round-trip text.</summary>
internal sealed class ElementBuffer
{
    private readonly float[]? _f32;
    private readonly double[]? _f64;
    private readonly Half[]? _f16;
    private readonly ushort[]? _bf16;

    /// <summary>Allocates <paramref name="length"/> elements of <paramref name="type"/> (zeroed: the pages are not touched yet).</summary>
    public ElementBuffer(TensorDType type, int length)
    {
        Type = type;
        Length = length;
        switch (type)
        {
            case TensorDType.Float32: _f32 = GC.AllocateUninitializedArray<float>(length); break;
            case TensorDType.Float64: _f64 = GC.AllocateUninitializedArray<double>(length); break;
            case TensorDType.Float16: _f16 = GC.AllocateUninitializedArray<Half>(length); break;
            default: _bf16 = GC.AllocateUninitializedArray<ushort>(length); break;
        }
    }

    /// <summary>The element type.</summary>
    public TensorDType Type { get; }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The size in bytes.</summary>
    public long Bytes => (long)Length * Type.ElementSize();

    /// <summary>Fills the buffer with elements <paramref name="firstIndex"/>… of the tensor <paramref name="shape"/>.</summary>
    public void Fill(Initializer initializer, PhiloxKey key, WeightShape shape, long firstIndex, SamplingOptions options)
    {
        switch (Type)
        {
            case TensorDType.Float32: initializer.Fill(key, shape, _f32!, firstIndex, options); break;
            case TensorDType.Float64: initializer.Fill(key, shape, _f64!, firstIndex, options); break;
            case TensorDType.Float16: initializer.Fill(key, shape, _f16!, firstIndex, options); break;
            default: initializer.FillBFloat16Bits(key, shape, _bf16!, firstIndex, options); break;
        }
    }

    /// <summary>Fills the buffer with elements 0… of the stream of <paramref name="distribution"/> under <paramref name="key"/>.</summary>
    public void Fill(Distribution distribution, PhiloxKey key, SamplingOptions options)
    {
        switch (Type)
        {
            case TensorDType.Float32: distribution.Fill(key, _f32!, 0, options); break;
            case TensorDType.Float64: distribution.Fill(key, _f64!, 0, options); break;
            case TensorDType.Float16: distribution.Fill(key, _f16!, 0, options); break;
            default: distribution.FillBFloat16Bits(key, _bf16!, 0, options); break;
        }
    }

    /// <summary>Sets every element to zero with <see cref="Span{T}.Fill"/>, split over <paramref name="threads"/> contiguous chunks: the memory-bandwidth ceiling of any fill.</summary>
    public void Clear(int threads)
    {
        if (threads <= 1) { ClearRange(0, Length); return; }
        long chunk = (Length + (long)threads - 1) / threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            long from = t * chunk;
            long to = Math.Min(Length, from + chunk);
            if (from < to) ClearRange((int)from, (int)(to - from));
        });
    }

    private void ClearRange(int from, int count)
    {
        switch (Type)
        {
            case TensorDType.Float32: _f32.AsSpan(from, count).Fill(0f); break;
            case TensorDType.Float64: _f64.AsSpan(from, count).Fill(0d); break;
            case TensorDType.Float16: _f16.AsSpan(from, count).Fill(default); break;
            default: _bf16.AsSpan(from, count).Fill(0); break;
        }
    }

    /// <summary>Element <paramref name="index"/> as a double (exact: every element type converts exactly).</summary>
    public double this[int index] => Type switch
    {
        TensorDType.Float32 => _f32![index],
        TensorDType.Float64 => _f64![index],
        TensorDType.Float16 => (double)_f16![index],
        _ => BFloat16Bits.ToSingle(_bf16![index]),
    };

    /// <summary>Element <paramref name="index"/> as the shortest text that reads back to the same value of its type (bfloat16 as its float32 value).</summary>
    public string Format(int index) => Type switch
    {
        TensorDType.Float32 => _f32![index].ToString("R", CultureInfo.InvariantCulture),
        TensorDType.Float64 => _f64![index].ToString("R", CultureInfo.InvariantCulture),
        TensorDType.Float16 => _f16![index].ToString(CultureInfo.InvariantCulture),
        _ => BFloat16Bits.ToSingle(_bf16![index]).ToString("R", CultureInfo.InvariantCulture),
    };
}
