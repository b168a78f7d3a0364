using System.Numerics;
using System.Runtime.CompilerServices;

namespace WeightInit.LinearAlgebra;

/// <summary>Element-wise span kernels whose every lane rounds exactly like its scalar form, so any vector width gives the same bits.</summary>
internal static class LaneMath
{
    /// <summary>y[i] ← fma(scale, x[i], y[i]) for every i (one rounding per element); <paramref name="vectorize"/> = false forces the scalar loop.</summary>
    public static void MultiplyAdd<T>(T scale, ReadOnlySpan<T> x, Span<T> y, bool vectorize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Length < x.Length) throw new ArgumentException("The destination is shorter than the source.", nameof(y));
        int i = 0;
        if (vectorize && Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var s = new Vector<T>(scale);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                Fused(s, new Vector<T>(x.Slice(i)), new Vector<T>(y.Slice(i))).CopyTo(y.Slice(i));
        }
        for (; i < x.Length; i++) y[i] = T.FusedMultiplyAdd(scale, x[i], y[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Fused<T>(Vector<T> left, Vector<T> right, Vector<T> addend) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var r = Vector.FusedMultiplyAdd(Unsafe.As<Vector<T>, Vector<float>>(ref left), Unsafe.As<Vector<T>, Vector<float>>(ref right),
                Unsafe.As<Vector<T>, Vector<float>>(ref addend));
            return Unsafe.As<Vector<float>, Vector<T>>(ref r);
        }
        if (typeof(T) == typeof(double))
        {
            var r = Vector.FusedMultiplyAdd(Unsafe.As<Vector<T>, Vector<double>>(ref left), Unsafe.As<Vector<T>, Vector<double>>(ref right),
                Unsafe.As<Vector<T>, Vector<double>>(ref addend));
            return Unsafe.As<Vector<double>, Vector<T>>(ref r);
        }
        throw new NotSupportedException($"Fused multiply-add lanes exist for float and double, not {typeof(T).Name}.");
    }
}
