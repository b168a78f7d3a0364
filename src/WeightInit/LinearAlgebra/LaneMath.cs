using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using WeightInit.Numerics;

namespace WeightInit.LinearAlgebra;

/// <summary>Span kernels whose results are the same bits on every vector width (Vector512, Vector256, Vector128, scalar).</summary>
internal static class LaneMath
{
    /// <summary>y[i] ← fma(scale, x[i], y[i]) for every i (one rounding per element); <paramref name="vectorize"/> = false forces the scalar loop.</summary>
    public static void MultiplyAdd<T>(T scale, ReadOnlySpan<T> x, Span<T> y, bool vectorize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Length < x.Length) throw new ArgumentException("The destination is shorter than the source.", nameof(y));
        int i = 0;
        if (vectorize && VectorWidth.HasVectorT && x.Length >= Vector<T>.Count)
        {
            var s = new Vector<T>(scale);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                Fused(s, new Vector<T>(x.Slice(i)), new Vector<T>(y.Slice(i))).CopyTo(y.Slice(i));
        }
        for (; i < x.Length; i++) y[i] = T.FusedMultiplyAdd(scale, x[i], y[i]);
    }

    /// <summary>x[i] ← x[i]·scale for every i (exact per element, so width-independent).</summary>
    public static void Scale<T>(Span<T> x, T scale, bool vectorize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (vectorize && VectorWidth.HasVectorT)
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                (new Vector<T>(x.Slice(i)) * scale).CopyTo(x.Slice(i));
        for (; i < x.Length; i++) x[i] *= scale;
    }

    /// <summary>
    /// Σ x[i]·y[i] in a fixed order: W = 64 bytes / sizeof(T) running sums, sum l taking elements i ≡ l (mod W) by
    /// fused multiply-add in increasing i, then combined by halving (l + W/2, then l + W/4, …). One Vector512, two
    /// Vector256, four Vector128 or W scalars all realise exactly this order, so the result does not depend on the path.
    /// </summary>
    public static T FixedOrderDot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, SimdPath path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Length < x.Length) throw new ArgumentException("The second operand is shorter than the first.", nameof(y));
        int width = Vector512<T>.Count, n = x.Length, full = n - n % width;
        Span<T> sums = stackalloc T[Vector512<T>.Count];
        ref T xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref T yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        ref T sr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(sums);
        if (path == SimdPath.Vector512)
        {
            var s = Vector512<T>.Zero;
            for (int i = 0; i < full; i += width)
                s = Fused(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i), s);
            s.StoreUnsafe(ref sr);
        }
        else if (path == SimdPath.Vector256)
        {
            int h = width / 2;
            Vector256<T> s0 = Vector256<T>.Zero, s1 = Vector256<T>.Zero;
            for (int i = 0; i < full; i += width)
            {
                s0 = Fused(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), s0);
                s1 = Fused(Vector256.LoadUnsafe(ref xr, (nuint)(i + h)), Vector256.LoadUnsafe(ref yr, (nuint)(i + h)), s1);
            }
            s0.StoreUnsafe(ref sr);
            s1.StoreUnsafe(ref sr, (nuint)h);
        }
        else if (path == SimdPath.Vector128)
        {
            int q = width / 4;
            Vector128<T> s0 = Vector128<T>.Zero, s1 = Vector128<T>.Zero, s2 = Vector128<T>.Zero, s3 = Vector128<T>.Zero;
            for (int i = 0; i < full; i += width)
            {
                s0 = Fused(Vector128.LoadUnsafe(ref xr, (nuint)i), Vector128.LoadUnsafe(ref yr, (nuint)i), s0);
                s1 = Fused(Vector128.LoadUnsafe(ref xr, (nuint)(i + q)), Vector128.LoadUnsafe(ref yr, (nuint)(i + q)), s1);
                s2 = Fused(Vector128.LoadUnsafe(ref xr, (nuint)(i + 2 * q)), Vector128.LoadUnsafe(ref yr, (nuint)(i + 2 * q)), s2);
                s3 = Fused(Vector128.LoadUnsafe(ref xr, (nuint)(i + 3 * q)), Vector128.LoadUnsafe(ref yr, (nuint)(i + 3 * q)), s3);
            }
            s0.StoreUnsafe(ref sr);
            s1.StoreUnsafe(ref sr, (nuint)q);
            s2.StoreUnsafe(ref sr, (nuint)(2 * q));
            s3.StoreUnsafe(ref sr, (nuint)(3 * q));
        }
        else
        {
            sums.Clear();
            for (int i = 0; i < full; i += width)
                for (int l = 0; l < width; l++) sums[l] = T.FusedMultiplyAdd(x[i + l], y[i + l], sums[l]);
        }
        for (int l = 0; l < n - full; l++) sums[l] = T.FusedMultiplyAdd(x[full + l], y[full + l], sums[l]);
        for (int h = width / 2; h >= 1; h /= 2)
            for (int l = 0; l < h; l++) sums[l] += sums[l + h];
        return sums[0];
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fused<T>(Vector512<T> left, Vector512<T> right, Vector512<T> addend) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(left.AsSingle(), right.AsSingle(), addend.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(left.AsDouble(), right.AsDouble(), addend.AsDouble()).As<double, T>();
        throw new NotSupportedException($"Fused multiply-add lanes exist for float and double, not {typeof(T).Name}.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fused<T>(Vector256<T> left, Vector256<T> right, Vector256<T> addend) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(left.AsSingle(), right.AsSingle(), addend.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(left.AsDouble(), right.AsDouble(), addend.AsDouble()).As<double, T>();
        throw new NotSupportedException($"Fused multiply-add lanes exist for float and double, not {typeof(T).Name}.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Fused<T>(Vector128<T> left, Vector128<T> right, Vector128<T> addend) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector128.FusedMultiplyAdd(left.AsSingle(), right.AsSingle(), addend.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector128.FusedMultiplyAdd(left.AsDouble(), right.AsDouble(), addend.AsDouble()).As<double, T>();
        throw new NotSupportedException($"Fused multiply-add lanes exist for float and double, not {typeof(T).Name}.");
    }
}
