using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using WeightInit.Numerics;

namespace WeightInit.Sampling;

/// <summary>The float lanes: <see cref="ILanes{TSelf}"/> and what depends on float elements.</summary>
internal interface IFloatLanes<TSelf> : ILanes<TSelf> where TSelf : struct, IFloatLanes<TSelf>
{
    static abstract TSelf Create(float value);
    static abstract void Store(TSelf value, ref float destination, nuint index);
    /// <summary>Lane l = (float)(int)(words[index + l] ≫ <paramref name="shift"/>) (<paramref name="shift"/> ≥ 1), rounded to nearest even like the scalar cast.</summary>
    static abstract TSelf Words(ref uint words, nuint index, int shift);

    /// <summary>For a positive normal finite lane x = m·2ᵉ with m ∈ [½, 1): e (as a float) and m.</summary>
    static abstract (TSelf Exponent, TSelf Significand) Frexp(TSelf x);
}

/// <summary>The widest float width here.</summary>
internal static class FloatWidth
{
    /// <summary>The widest width that runs in hardware: 16, 8 or 4 lanes, or 0 for none.</summary>
    public static int Lanes => F512.IsSupported ? 16 : F256.IsSupported ? 8 : F128.IsSupported ? 4 : 0;
}

internal readonly struct F512(Vector512<float> v) : IFloatLanes<F512>
{
    public readonly Vector512<float> V = v;
    public static int Count => 16;
    public static bool IsSupported => VectorWidth.Has512;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 Create(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(F512 value, ref float destination, nuint index) => value.V.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 Words(ref uint words, nuint index, int shift) => new(Vector512.ConvertToSingle((Vector512.LoadUnsafe(ref words, index) >> shift).AsInt32()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 operator +(F512 a, F512 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 operator -(F512 a, F512 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 operator *(F512 a, F512 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 operator -(F512 a) => new(-a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 operator &(F512 a, F512 b) => new(a.V & b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 operator |(F512 a, F512 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 Sqrt(F512 x) => new(Vector512.Sqrt(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 Floor(F512 x) => new(Vector512.Floor(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 Equal(F512 a, F512 b) => new(Vector512.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 LessThan(F512 a, F512 b) => new(Vector512.LessThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 GreaterThan(F512 a, F512 b) => new(Vector512.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F512 Select(F512 mask, F512 whenTrue, F512 whenFalse) => new(Vector512.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (F512 Exponent, F512 Significand) Frexp(F512 x)
    {
        var bits = x.V.AsInt32();
        var e = ((bits >> 23) & Vector512.Create(0xFF)) - Vector512.Create(126);
        var m = ((bits & Vector512.Create(unchecked((int)0x807FFFFF))) | Vector512.Create(0x3F000000)).AsSingle();
        return (new(Vector512.ConvertToSingle(e)), new(m));
    }
}

internal readonly struct F256(Vector256<float> v) : IFloatLanes<F256>
{
    public readonly Vector256<float> V = v;
    public static int Count => 8;
    public static bool IsSupported => VectorWidth.Has256;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 Create(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(F256 value, ref float destination, nuint index) => value.V.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 Words(ref uint words, nuint index, int shift) => new(Vector256.ConvertToSingle((Vector256.LoadUnsafe(ref words, index) >> shift).AsInt32()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 operator +(F256 a, F256 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 operator -(F256 a, F256 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 operator *(F256 a, F256 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 operator -(F256 a) => new(-a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 operator &(F256 a, F256 b) => new(a.V & b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 operator |(F256 a, F256 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 Sqrt(F256 x) => new(Vector256.Sqrt(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 Floor(F256 x) => new(Vector256.Floor(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 Equal(F256 a, F256 b) => new(Vector256.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 LessThan(F256 a, F256 b) => new(Vector256.LessThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 GreaterThan(F256 a, F256 b) => new(Vector256.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F256 Select(F256 mask, F256 whenTrue, F256 whenFalse) => new(Vector256.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (F256 Exponent, F256 Significand) Frexp(F256 x)
    {
        var bits = x.V.AsInt32();
        var e = ((bits >> 23) & Vector256.Create(0xFF)) - Vector256.Create(126);
        var m = ((bits & Vector256.Create(unchecked((int)0x807FFFFF))) | Vector256.Create(0x3F000000)).AsSingle();
        return (new(Vector256.ConvertToSingle(e)), new(m));
    }
}

internal readonly struct F128(Vector128<float> v) : IFloatLanes<F128>
{
    public readonly Vector128<float> V = v;
    public static int Count => 4;
    public static bool IsSupported => VectorWidth.Has128;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 Create(float value) => new(Vector128.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(F128 value, ref float destination, nuint index) => value.V.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 Words(ref uint words, nuint index, int shift) => new(Vector128.ConvertToSingle((Vector128.LoadUnsafe(ref words, index) >> shift).AsInt32()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 operator +(F128 a, F128 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 operator -(F128 a, F128 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 operator *(F128 a, F128 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 operator -(F128 a) => new(-a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 operator &(F128 a, F128 b) => new(a.V & b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 operator |(F128 a, F128 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 Sqrt(F128 x) => new(Vector128.Sqrt(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 Floor(F128 x) => new(Vector128.Floor(x.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 Equal(F128 a, F128 b) => new(Vector128.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 LessThan(F128 a, F128 b) => new(Vector128.LessThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 GreaterThan(F128 a, F128 b) => new(Vector128.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F128 Select(F128 mask, F128 whenTrue, F128 whenFalse) => new(Vector128.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (F128 Exponent, F128 Significand) Frexp(F128 x)
    {
        var bits = x.V.AsInt32();
        var e = ((bits >> 23) & Vector128.Create(0xFF)) - Vector128.Create(126);
        var m = ((bits & Vector128.Create(unchecked((int)0x807FFFFF))) | Vector128.Create(0x3F000000)).AsSingle();
        return (new(Vector128.ConvertToSingle(e)), new(m));
    }
}
