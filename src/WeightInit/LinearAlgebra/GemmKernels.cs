using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace WeightInit.LinearAlgebra;

/// <summary>The instruction-set path a <see cref="Gemm"/> micro-kernel runs on.</summary>
internal enum SimdPath
{
    Scalar = 0,
    Vector128 = 128,
    Vector256 = 256,
    Vector512 = 512,
}

/// <summary>
/// The lane operations a GEMM micro-kernel needs, over one vector type. Every operation is lane-wise and exact
/// except <see cref="MultiplyAdd"/>, which is a fused multiply-add rounded once — the same operation as
/// <see cref="Math.FusedMultiplyAdd"/> — so each lane computes the same bits on every width.
/// </summary>
internal interface IGemmLanes<TVec, T> where T : unmanaged
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Rows of the register tile (MR); the tile is TileRows × (2·Count).</summary>
    static abstract int TileRows { get; }

    static abstract TVec Load(ref T source);

    static abstract void Store(TVec value, ref T destination);

    static abstract TVec Broadcast(T value);

    static abstract TVec MultiplyAdd(TVec left, TVec right, TVec addend);
}

// Tile heights: 8 rows × 2 vectors uses 16 accumulators + 2 B vectors + 1 broadcast of the 32 registers AVX-512 has;
// 6 × 2 uses 15 of the 16 registers AVX2/SSE have. The scalar fallback keeps the 6-row shape.

internal readonly struct Lanes512Single : IGemmLanes<Vector512<float>, float>
{
    public static int Count => Vector512<float>.Count;
    public static int TileRows => 8;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) => Vector512.FusedMultiplyAdd(left, right, addend);
}

internal readonly struct Lanes512Double : IGemmLanes<Vector512<double>, double>
{
    public static int Count => Vector512<double>.Count;
    public static int TileRows => 8;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Load(ref double source) => Vector512.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<double> value, ref double destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Broadcast(double value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> MultiplyAdd(Vector512<double> left, Vector512<double> right, Vector512<double> addend) => Vector512.FusedMultiplyAdd(left, right, addend);
}

internal readonly struct Lanes256Single : IGemmLanes<Vector256<float>, float>
{
    public static int Count => Vector256<float>.Count;
    public static int TileRows => 6;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) => Vector256.FusedMultiplyAdd(left, right, addend);
}

internal readonly struct Lanes256Double : IGemmLanes<Vector256<double>, double>
{
    public static int Count => Vector256<double>.Count;
    public static int TileRows => 6;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Load(ref double source) => Vector256.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<double> value, ref double destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Broadcast(double value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> MultiplyAdd(Vector256<double> left, Vector256<double> right, Vector256<double> addend) => Vector256.FusedMultiplyAdd(left, right, addend);
}

internal readonly struct Lanes128Single : IGemmLanes<Vector128<float>, float>
{
    public static int Count => Vector128<float>.Count;
    public static int TileRows => 6;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Broadcast(float value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> MultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend) => Vector128.FusedMultiplyAdd(left, right, addend);
}

internal readonly struct Lanes128Double : IGemmLanes<Vector128<double>, double>
{
    public static int Count => Vector128<double>.Count;
    public static int TileRows => 6;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Load(ref double source) => Vector128.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<double> value, ref double destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Broadcast(double value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> MultiplyAdd(Vector128<double> left, Vector128<double> right, Vector128<double> addend) => Vector128.FusedMultiplyAdd(left, right, addend);
}

/// <summary>One-lane "vectors": the path taken when no SIMD is available; <c>T.FusedMultiplyAdd</c> is the same rounding as the vector paths.</summary>
internal readonly struct ScalarLanes<T> : IGemmLanes<T, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;
    public static int TileRows => 6;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Load(ref T source) => source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(T value, ref T destination) => destination = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Broadcast(T value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T MultiplyAdd(T left, T right, T addend) => T.FusedMultiplyAdd(left, right, addend);
}

/// <summary>
/// Register-tile micro-kernels: C[tile] = fma chain over p = 0..kc−1 of (packed A column p) ⊗ (packed B row p),
/// starting from the values already in C. Each C element sees exactly one fused multiply-add per p, in increasing p,
/// whatever the tile shape or vector width.
/// </summary>
internal static class GemmMicroKernel
{
    /// <summary>Runs the tile of <typeparamref name="TLanes"/>'s shape: <paramref name="a"/> holds kc groups of TileRows values, <paramref name="b"/> kc groups of 2·Count values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<T, TVec, TLanes>(ref T a, ref T b, int kc, ref T c, nint ldc)
        where T : unmanaged
        where TLanes : struct, IGemmLanes<TVec, T>
    {
        if (TLanes.TileRows == 8) Rows8<T, TVec, TLanes>(ref a, ref b, kc, ref c, ldc);
        else Rows6<T, TVec, TLanes>(ref a, ref b, kc, ref c, ldc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows8<T, TVec, TLanes>(ref T a, ref T b, int kc, ref T c, nint ldc)
        where T : unmanaged
        where TLanes : struct, IGemmLanes<TVec, T>
    {
        nint w = TLanes.Count;
        ref T c0 = ref c;
        ref T c1 = ref Unsafe.Add(ref c0, ldc);
        ref T c2 = ref Unsafe.Add(ref c1, ldc);
        ref T c3 = ref Unsafe.Add(ref c2, ldc);
        ref T c4 = ref Unsafe.Add(ref c3, ldc);
        ref T c5 = ref Unsafe.Add(ref c4, ldc);
        ref T c6 = ref Unsafe.Add(ref c5, ldc);
        ref T c7 = ref Unsafe.Add(ref c6, ldc);
        TVec s00 = TLanes.Load(ref c0), s01 = TLanes.Load(ref Unsafe.Add(ref c0, w));
        TVec s10 = TLanes.Load(ref c1), s11 = TLanes.Load(ref Unsafe.Add(ref c1, w));
        TVec s20 = TLanes.Load(ref c2), s21 = TLanes.Load(ref Unsafe.Add(ref c2, w));
        TVec s30 = TLanes.Load(ref c3), s31 = TLanes.Load(ref Unsafe.Add(ref c3, w));
        TVec s40 = TLanes.Load(ref c4), s41 = TLanes.Load(ref Unsafe.Add(ref c4, w));
        TVec s50 = TLanes.Load(ref c5), s51 = TLanes.Load(ref Unsafe.Add(ref c5, w));
        TVec s60 = TLanes.Load(ref c6), s61 = TLanes.Load(ref Unsafe.Add(ref c6, w));
        TVec s70 = TLanes.Load(ref c7), s71 = TLanes.Load(ref Unsafe.Add(ref c7, w));
        for (int p = 0; p < kc; p++)
        {
            TVec b0 = TLanes.Load(ref b), b1 = TLanes.Load(ref Unsafe.Add(ref b, w));
            TVec x = TLanes.Broadcast(a);
            s00 = TLanes.MultiplyAdd(x, b0, s00); s01 = TLanes.MultiplyAdd(x, b1, s01);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 1));
            s10 = TLanes.MultiplyAdd(x, b0, s10); s11 = TLanes.MultiplyAdd(x, b1, s11);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 2));
            s20 = TLanes.MultiplyAdd(x, b0, s20); s21 = TLanes.MultiplyAdd(x, b1, s21);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 3));
            s30 = TLanes.MultiplyAdd(x, b0, s30); s31 = TLanes.MultiplyAdd(x, b1, s31);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 4));
            s40 = TLanes.MultiplyAdd(x, b0, s40); s41 = TLanes.MultiplyAdd(x, b1, s41);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 5));
            s50 = TLanes.MultiplyAdd(x, b0, s50); s51 = TLanes.MultiplyAdd(x, b1, s51);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 6));
            s60 = TLanes.MultiplyAdd(x, b0, s60); s61 = TLanes.MultiplyAdd(x, b1, s61);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 7));
            s70 = TLanes.MultiplyAdd(x, b0, s70); s71 = TLanes.MultiplyAdd(x, b1, s71);
            a = ref Unsafe.Add(ref a, 8);
            b = ref Unsafe.Add(ref b, 2 * w);
        }
        TLanes.Store(s00, ref c0); TLanes.Store(s01, ref Unsafe.Add(ref c0, w));
        TLanes.Store(s10, ref c1); TLanes.Store(s11, ref Unsafe.Add(ref c1, w));
        TLanes.Store(s20, ref c2); TLanes.Store(s21, ref Unsafe.Add(ref c2, w));
        TLanes.Store(s30, ref c3); TLanes.Store(s31, ref Unsafe.Add(ref c3, w));
        TLanes.Store(s40, ref c4); TLanes.Store(s41, ref Unsafe.Add(ref c4, w));
        TLanes.Store(s50, ref c5); TLanes.Store(s51, ref Unsafe.Add(ref c5, w));
        TLanes.Store(s60, ref c6); TLanes.Store(s61, ref Unsafe.Add(ref c6, w));
        TLanes.Store(s70, ref c7); TLanes.Store(s71, ref Unsafe.Add(ref c7, w));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows6<T, TVec, TLanes>(ref T a, ref T b, int kc, ref T c, nint ldc)
        where T : unmanaged
        where TLanes : struct, IGemmLanes<TVec, T>
    {
        nint w = TLanes.Count;
        ref T c0 = ref c;
        ref T c1 = ref Unsafe.Add(ref c0, ldc);
        ref T c2 = ref Unsafe.Add(ref c1, ldc);
        ref T c3 = ref Unsafe.Add(ref c2, ldc);
        ref T c4 = ref Unsafe.Add(ref c3, ldc);
        ref T c5 = ref Unsafe.Add(ref c4, ldc);
        TVec s00 = TLanes.Load(ref c0), s01 = TLanes.Load(ref Unsafe.Add(ref c0, w));
        TVec s10 = TLanes.Load(ref c1), s11 = TLanes.Load(ref Unsafe.Add(ref c1, w));
        TVec s20 = TLanes.Load(ref c2), s21 = TLanes.Load(ref Unsafe.Add(ref c2, w));
        TVec s30 = TLanes.Load(ref c3), s31 = TLanes.Load(ref Unsafe.Add(ref c3, w));
        TVec s40 = TLanes.Load(ref c4), s41 = TLanes.Load(ref Unsafe.Add(ref c4, w));
        TVec s50 = TLanes.Load(ref c5), s51 = TLanes.Load(ref Unsafe.Add(ref c5, w));
        for (int p = 0; p < kc; p++)
        {
            TVec b0 = TLanes.Load(ref b), b1 = TLanes.Load(ref Unsafe.Add(ref b, w));
            TVec x = TLanes.Broadcast(a);
            s00 = TLanes.MultiplyAdd(x, b0, s00); s01 = TLanes.MultiplyAdd(x, b1, s01);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 1));
            s10 = TLanes.MultiplyAdd(x, b0, s10); s11 = TLanes.MultiplyAdd(x, b1, s11);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 2));
            s20 = TLanes.MultiplyAdd(x, b0, s20); s21 = TLanes.MultiplyAdd(x, b1, s21);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 3));
            s30 = TLanes.MultiplyAdd(x, b0, s30); s31 = TLanes.MultiplyAdd(x, b1, s31);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 4));
            s40 = TLanes.MultiplyAdd(x, b0, s40); s41 = TLanes.MultiplyAdd(x, b1, s41);
            x = TLanes.Broadcast(Unsafe.Add(ref a, 5));
            s50 = TLanes.MultiplyAdd(x, b0, s50); s51 = TLanes.MultiplyAdd(x, b1, s51);
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, 2 * w);
        }
        TLanes.Store(s00, ref c0); TLanes.Store(s01, ref Unsafe.Add(ref c0, w));
        TLanes.Store(s10, ref c1); TLanes.Store(s11, ref Unsafe.Add(ref c1, w));
        TLanes.Store(s20, ref c2); TLanes.Store(s21, ref Unsafe.Add(ref c2, w));
        TLanes.Store(s30, ref c3); TLanes.Store(s31, ref Unsafe.Add(ref c3, w));
        TLanes.Store(s40, ref c4); TLanes.Store(s41, ref Unsafe.Add(ref c4, w));
        TLanes.Store(s50, ref c5); TLanes.Store(s51, ref Unsafe.Add(ref c5, w));
    }
}
