using System.Runtime.InteropServices;
using WeightInit.IO;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Initializers;

/// <summary>Streams an initialized tensor into the file writers of <see cref="WeightInit.IO"/> without holding it in memory.</summary>
public static class InitializerTensors
{
    /// <summary>A <see cref="TensorFill"/> that writes elements [first, first + n) of the tensor straight from the initializer, in the file's
    /// element type — the same bits as <see cref="Initializer.Fill(PhiloxKey, WeightShape, Span{float}, long, SamplingOptions?)"/> and its
    /// float64, float16 and bfloat16 overloads (never a conversion of another type's values).</summary>
    public static TensorFill Fill(Initializer initializer, PhiloxKey key, WeightShape shape, TensorDType dtype, SamplingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        ArgumentNullException.ThrowIfNull(shape);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Tensor files are little-endian; this machine is big-endian.");
        return dtype switch
        {
            TensorDType.Float32 => (first, bytes) => initializer.Fill(key, shape, MemoryMarshal.Cast<byte, float>(bytes), first, options),
            TensorDType.Float64 => (first, bytes) => initializer.Fill(key, shape, MemoryMarshal.Cast<byte, double>(bytes), first, options),
            TensorDType.Float16 => (first, bytes) => initializer.Fill(key, shape, MemoryMarshal.Cast<byte, Half>(bytes), first, options),
            TensorDType.BFloat16 => (first, bytes) => initializer.FillBFloat16Bits(key, shape, MemoryMarshal.Cast<byte, ushort>(bytes), first, options),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Valid element types: Float32, Float64, Float16, BFloat16."),
        };
    }

    /// <summary>The tensor as a <see cref="TensorSource"/> for <see cref="NpyWriter"/>, <see cref="NpzWriter"/> or <see cref="SafetensorsWriter"/>.</summary>
    public static TensorSource Source(string name, Initializer initializer, PhiloxKey key, WeightShape shape, TensorDType dtype, SamplingOptions? options = null) =>
        new(name, dtype, shape.Dimensions.Select(d => (long)d).ToArray(), Fill(initializer, key, shape, dtype, options));
}
