using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;
using WeightInit.Numerics;

namespace WeightInit.Sampling;

/// <summary>The double lanes: <see cref="ILanes{TSelf}"/> and what depends on double elements.</summary>
internal interface IDoubleLanes<TSelf> : ILanes<TSelf> where TSelf : struct, IDoubleLanes<TSelf>
{
    static abstract TSelf Create(double value);
    static abstract TSelf Load(ref double source, nuint index);
    static abstract void Store(TSelf value, ref double destination, nuint index);
    /// <summary>Stores the lanes of <paramref name="a"/> then of <paramref name="b"/>, each rounded to float (ties to even).</summary>
    static abstract void StoreNarrow(TSelf a, TSelf b, ref float destination, nuint index);
    /// <summary>Lane l = (double)((words[index + l] ≫ <paramref name="shift"/>) | <paramref name="or"/>), exact.</summary>
    static abstract TSelf Words(ref uint words, nuint index, int shift, uint or);
    /// <summary>The lanes start, start + 1, … as doubles.</summary>
    static abstract TSelf Indices(int start);

    static abstract TSelf operator /(TSelf a, TSelf b);
    static abstract TSelf Abs(TSelf x);
    static abstract TSelf LessThanOrEqual(TSelf a, TSelf b);
    /// <summary>Bit l set when lane l of <paramref name="mask"/> is true.</summary>
    static abstract uint Bits(TSelf mask);
    static abstract bool All(TSelf mask);

    /// <summary>For a positive normal finite lane: its unbiased binary exponent (as a double) and its significand in [1, 2).</summary>
    static abstract (TSelf Exponent, TSelf Significand) Split(TSelf x);

    /// <summary>Writes the lanes of <paramref name="value"/> selected by <paramref name="mask"/> packed at <paramref name="destination"/> (Count slots are written); returns how many.</summary>
    static abstract int Compress(TSelf mask, TSelf value, ref double destination);
}

/// <summary>The widest double width here.</summary>
internal static class DoubleWidth
{
    /// <summary>The widest width that runs in hardware: 8, 4 or 2 lanes, or 0 for none.</summary>
    public static int Lanes => D512.IsSupported ? 8 : D256.IsSupported ? 4 : D128.IsSupported ? 2 : 0;
}

/// <summary>Helpers shared by the double kernels.</summary>
internal static class DoubleLanes
{
    /// <summary>
    /// The exact doubles of (U | <paramref name="or"/>) for the 53-bit integers U = (w_j ≪ 21) | (w_{j+16} ≫ 11) of elements
    /// [element, element + Count) of a batch (16 elements per 32-word half-group; element a multiple of Count).
    /// </summary>
    /// <remarks>w_j·2²¹ and (w_{j+16} ≫ 11) | or are exact doubles and their sum is below 2⁵³, hence exact.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Bits53<TL>(ref uint words, int element, uint or) where TL : struct, IDoubleLanes<TL>
    {
        int index = 32 * (element >> 4) + (element & 15);
        var high = TL.Words(ref words, (nuint)index, 0, 0);
        var low = TL.Words(ref words, (nuint)(index + 16), 11, or);
        return high * TL.Create(2097152.0) + low;
    }
}

internal readonly struct D512(Vector512<double> v) : IDoubleLanes<D512>
{
    public readonly Vector512<double> V = v;
    public static int Count => 8;
    public static bool IsSupported => VectorWidth.Has512 && Avx512F.IsSupported && Avx512DQ.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 Create(double value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 Load(ref double source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(D512 value, ref double destination, nuint index) => value.V.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrow(D512 a, D512 b, ref float destination, nuint index) => Vector512.Narrow(a.V, b.V).StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static D512 Words(ref uint words, nuint index, int shift, uint or) =>
        new(Vector512.ConvertToDouble(Vector512.WidenLower(((Vector256.LoadUnsafe(ref words, index) >> shift) | Vector256.Create(or)).ToVector512Unsafe())));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 Indices(int start) => new(Vector512.Create((double)start) + Vector512<double>.Indices);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 operator +(D512 a, D512 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 operator -(D512 a, D512 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 operator *(D512 a, D512 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 operator /(D512 a, D512 b) => new(a.V / b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 operator -(D512 a) => new(-a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 operator &(D512 a, D512 b) => new(a.V & b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 operator |(D512 a, D512 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 Sqrt(D512 x) => new(Vector512.Sqrt(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 Abs(D512 x) => new(Vector512.Abs(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 Floor(D512 x) => new(Vector512.Floor(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 Equal(D512 a, D512 b) => new(Vector512.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 LessThan(D512 a, D512 b) => new(Vector512.LessThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 LessThanOrEqual(D512 a, D512 b) => new(Vector512.LessThanOrEqual(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 GreaterThan(D512 a, D512 b) => new(Vector512.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D512 Select(D512 mask, D512 whenTrue, D512 whenFalse) => new(Vector512.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Bits(D512 mask) => (uint)mask.V.ExtractMostSignificantBits();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(D512 mask) => Vector512.EqualsAll(mask.V.AsInt64(), Vector512<long>.AllBitsSet);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (D512 Exponent, D512 Significand) Split(D512 x)
    {
        var bits = x.V.AsInt64();
        var e = ((bits >> 52) & Vector512.Create(0x7FFL)) - Vector512.Create(1023L);
        var m = ((bits & Vector512.Create(0x000FFFFFFFFFFFFFL)) | Vector512.Create(0x3FF0000000000000L)).AsDouble();
        return (new(Vector512.ConvertToDouble(e)), new(m));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Compress(D512 mask, D512 value, ref double destination)
    {
        Avx512F.Compress(Vector512<double>.Zero, mask.V, value.V).StoreUnsafe(ref destination);
        return BitOperations.PopCount(Bits(mask));
    }
}

internal readonly struct D256(Vector256<double> v) : IDoubleLanes<D256>
{
    public readonly Vector256<double> V = v;
    public static int Count => 4;
    public static bool IsSupported => VectorWidth.Has256;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 Create(double value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 Load(ref double source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(D256 value, ref double destination, nuint index) => value.V.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrow(D256 a, D256 b, ref float destination, nuint index) => Vector256.Narrow(a.V, b.V).StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static D256 Words(ref uint words, nuint index, int shift, uint or) =>
        new(Vector256.ConvertToDouble(Vector256.WidenLower(((Vector128.LoadUnsafe(ref words, index) >> shift) | Vector128.Create(or)).ToVector256Unsafe())));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 Indices(int start) => new(Vector256.Create((double)start) + Vector256<double>.Indices);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 operator +(D256 a, D256 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 operator -(D256 a, D256 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 operator *(D256 a, D256 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 operator /(D256 a, D256 b) => new(a.V / b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 operator -(D256 a) => new(-a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 operator &(D256 a, D256 b) => new(a.V & b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 operator |(D256 a, D256 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 Sqrt(D256 x) => new(Vector256.Sqrt(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 Abs(D256 x) => new(Vector256.Abs(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 Floor(D256 x) => new(Vector256.Floor(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 Equal(D256 a, D256 b) => new(Vector256.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 LessThan(D256 a, D256 b) => new(Vector256.LessThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 LessThanOrEqual(D256 a, D256 b) => new(Vector256.LessThanOrEqual(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 GreaterThan(D256 a, D256 b) => new(Vector256.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D256 Select(D256 mask, D256 whenTrue, D256 whenFalse) => new(Vector256.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Bits(D256 mask) => mask.V.ExtractMostSignificantBits();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(D256 mask) => Vector256.EqualsAll(mask.V.AsInt64(), Vector256<long>.AllBitsSet);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (D256 Exponent, D256 Significand) Split(D256 x)
    {
        var bits = x.V.AsInt64();
        var e = ((bits >> 52) & Vector256.Create(0x7FFL)) - Vector256.Create(1023L);
        var m = ((bits & Vector256.Create(0x000FFFFFFFFFFFFFL)) | Vector256.Create(0x3FF0000000000000L)).AsDouble();
        return (new(Vector256.ConvertToDouble(e)), new(m));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Compress(D256 mask, D256 value, ref double destination)
    {
        uint bits = Bits(mask);
        if (Avx512F.VL.IsSupported)
        {
            Avx512F.VL.Compress(Vector256<double>.Zero, mask.V, value.V).StoreUnsafe(ref destination);
            return BitOperations.PopCount(bits);
        }
        int k = 0;
        for (int l = 0; l < 4; l++)
        {
            Unsafe.Add(ref destination, k) = value.V.GetElement(l);
            k += (int)(bits >> l & 1);
        }
        return k;
    }
}

internal readonly struct D128(Vector128<double> v) : IDoubleLanes<D128>
{
    public readonly Vector128<double> V = v;
    public static int Count => 2;
    public static bool IsSupported => VectorWidth.Has128;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 Create(double value) => new(Vector128.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 Load(ref double source, nuint index) => new(Vector128.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(D128 value, ref double destination, nuint index) => value.V.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrow(D128 a, D128 b, ref float destination, nuint index) => Vector128.Narrow(a.V, b.V).StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static D128 Words(ref uint words, nuint index, int shift, uint or) =>
        new(Vector128.Create((double)((Unsafe.Add(ref words, index) >> shift) | or), (double)((Unsafe.Add(ref words, index + 1) >> shift) | or)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 Indices(int start) => new(Vector128.Create((double)start) + Vector128<double>.Indices);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 operator +(D128 a, D128 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 operator -(D128 a, D128 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 operator *(D128 a, D128 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 operator /(D128 a, D128 b) => new(a.V / b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 operator -(D128 a) => new(-a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 operator &(D128 a, D128 b) => new(a.V & b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 operator |(D128 a, D128 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 Sqrt(D128 x) => new(Vector128.Sqrt(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 Abs(D128 x) => new(Vector128.Abs(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 Floor(D128 x) => new(Vector128.Floor(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 Equal(D128 a, D128 b) => new(Vector128.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 LessThan(D128 a, D128 b) => new(Vector128.LessThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 LessThanOrEqual(D128 a, D128 b) => new(Vector128.LessThanOrEqual(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 GreaterThan(D128 a, D128 b) => new(Vector128.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static D128 Select(D128 mask, D128 whenTrue, D128 whenFalse) => new(Vector128.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Bits(D128 mask) => mask.V.ExtractMostSignificantBits();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(D128 mask) => Vector128.EqualsAll(mask.V.AsInt64(), Vector128<long>.AllBitsSet);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (D128 Exponent, D128 Significand) Split(D128 x)
    {
        var bits = x.V.AsInt64();
        var e = ((bits >> 52) & Vector128.Create(0x7FFL)) - Vector128.Create(1023L);
        var m = ((bits & Vector128.Create(0x000FFFFFFFFFFFFFL)) | Vector128.Create(0x3FF0000000000000L)).AsDouble();
        return (new(Vector128.ConvertToDouble(e)), new(m));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Compress(D128 mask, D128 value, ref double destination)
    {
        uint bits = Bits(mask);
        Unsafe.Add(ref destination, 0) = value.V.GetElement(0);
        int k = (int)(bits & 1);
        Unsafe.Add(ref destination, k) = value.V.GetElement(1);
        return k + (int)(bits >> 1 & 1);
    }
}
