using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;
using WeightInit.Numerics;

namespace WeightInit.Sampling;

/// <summary>The element formats values are written in, with the rounding and the representable neighbours each needs.</summary>
internal enum ElementFormat { Single, Double, Half, BFloat16 }

/// <summary>Conversions from float32 to the 16-bit formats (round to nearest, ties to even) and the clamps that keep a support's bounds.</summary>
internal static class ElementConversion
{
    /// <summary>float32 → IEEE binary16, ties to even, then kept inside [lo, hi] (both binary16 values).</summary>
    /// <remarks>The vector path (unless <paramref name="scalar"/>) gives the same bits as the cast <c>(Half)x</c>.</remarks>
    public static void ToHalf(ReadOnlySpan<float> source, Span<Half> destination, float lo, float hi, bool scalar = false)
    {
        var dst = MemoryMarshal.Cast<Half, ushort>(destination[..source.Length]);
        int i = scalar ? 0 : Vectorized<HalfFormat>(source, dst, BitConverter.HalfToUInt16Bits((Half)lo), BitConverter.HalfToUInt16Bits((Half)hi));
        for (; i < source.Length; i++)
        {
            Half h = (Half)source[i];
            float f = (float)h;
            destination[i] = f < lo ? (Half)lo : (f > hi ? (Half)hi : h);
        }
    }

    /// <summary>float32 → bfloat16 bits, ties to even, then kept inside [lo, hi] (both bfloat16 values).</summary>
    /// <remarks>The vector path (unless <paramref name="scalar"/>) gives the same bits as <see cref="RoundToBFloat16Bits"/>.</remarks>
    public static void ToBFloat16(ReadOnlySpan<float> source, Span<ushort> destination, float lo, float hi, bool scalar = false)
    {
        destination = destination[..source.Length];
        int i = scalar ? 0 : Vectorized<BFloat16Format>(source, destination, RoundToBFloat16Bits(lo), RoundToBFloat16Bits(hi));
        for (; i < source.Length; i++)
        {
            ushort b = RoundToBFloat16Bits(source[i]);
            float f = BFloat16BitsToSingle(b);
            destination[i] = f < lo ? RoundToBFloat16Bits(lo) : (f > hi ? RoundToBFloat16Bits(hi) : b);
        }
    }

    // The widest accelerated vectors: Vector512 where available (Vector<T> stays 256 bits wide there), else Vector<T>.
    // Returns how many leading elements were written; 0 when the source holds a NaN (the scalar loop then does them all).
    private static int Vectorized<TFormat>(ReadOnlySpan<float> source, Span<ushort> destination, ushort lo, ushort hi)
        where TFormat : struct, ISixteenBitFormat
    {
        if (VectorWidth.Has512)
            return SixteenBit<Lanes512>.Convert<TFormat>(source, destination, lo, hi);
        if (VectorWidth.HasVectorT)
            return SixteenBit<LanesT>.Convert<TFormat>(source, destination, lo, hi);
        return 0;
    }

    private interface ISixteenBitFormat { static abstract bool IsHalf { get; } }
    private struct HalfFormat : ISixteenBitFormat { public static bool IsHalf => true; }
    private struct BFloat16Format : ISixteenBitFormat { public static bool IsHalf => false; }

    /// <summary>The conversions written once for every vector width: <typeparamref name="TV"/> holds float32 bit patterns in 32-bit lanes.</summary>
    /// <remarks>
    /// A lane's result is formed as its "key": the 16-bit pattern in the high half of the lane. Read as a float32, a key is
    /// ordered like the 16-bit value it stands for (binary16 infinity becomes a large finite float32; −0 equals +0, as in the
    /// scalar comparison), so the clamps are float32 comparisons; the bfloat16 key is the value itself.
    /// </remarks>
    private static class SixteenBit<TV> where TV : struct, IBitLanes<TV>
    {
        public static int Convert<TFormat>(ReadOnlySpan<float> source, Span<ushort> destination, ushort lo, ushort hi)
            where TFormat : struct, ISixteenBitFormat
        {
            int n = TV.Count, end = source.Length - source.Length % (2 * n);
            if (end == 0) return 0;
            TV loKey = TV.Create((uint)lo << 16), hiKey = TV.Create((uint)hi << 16);
            TV largest = TV.Create(0); // the largest |x| pattern seen: above 0x7F800000 means a NaN
            ref uint src = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(source));
            ref ushort dst = ref MemoryMarshal.GetReference(destination);
            for (nuint i = 0; i < (nuint)end; i += (nuint)(2 * n))
            {
                TV x0 = TV.Load(ref src, i), x1 = TV.Load(ref src, i + (nuint)n);
                TV m0 = x0 & TV.Create(0x7FFF_FFFF), m1 = x1 & TV.Create(0x7FFF_FFFF);
                largest = TV.Max(largest, TV.Max(m0, m1));
                TV k0 = TFormat.IsHalf ? HalfKey(x0, m0) : BFloat16Key(x0);
                TV k1 = TFormat.IsHalf ? HalfKey(x1, m1) : BFloat16Key(x1);
                TV.StoreHighHalves(TV.ClampAsSingle(k0, loKey, hiKey), TV.ClampAsSingle(k1, loKey, hiKey), ref dst, i);
            }
            return TV.AnyGreaterThan(largest, TV.Create(0x7F80_0000)) ? 0 : end;
        }

        // Round to nearest even of a non-NaN float to binary16; m = |x|'s bits. The key's low half is not cleared: it stays
        // below 2¹⁵ and is zero for ±0, so the clamps compare as with a cleared one, or replace a key by the bound whose
        // high half it already has, and the store keeps the high half alone.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV HalfKey(TV x, TV m)
        {
            // From 65536 up (infinity included) the magnitude becomes 65536, which rounds to infinity.
            TV c = TV.Min(m, TV.Create((127 + 16) << 23));
            // With E = max(exponent of c, −14), adding 2^(E+13) rounds c to a multiple of 2^(E−10), its binary16 step
            // (subnormals included): the sum s has exponent E + 13 and the rounded value, counted in steps (at most 2¹¹),
            // in its low 12 bits. The binary16 pattern is then (E + 14)·2¹⁰ + steps = (s ≫ 23 − 126)·2¹⁰ + (s & 0xFFF),
            // whose key is (s ≪ 3) + (s ≪ 16) − 126·2²⁶ with (s & 0xFFF) ≪ 3 left in the low half.
            TV power = TV.Max(c, TV.Create((127 - 14) << 23)) & TV.Create(0x7F80_0000); // 2^E
            TV sum = TV.MultiplyAddAsSingle(power, TV.Create(0x4600_0000), c);           // c + 2^E·2¹³, one rounding
            TV key = (sum << 16) + ((sum << 3) - TV.Create(126u << 26));
            return TV.BitwiseSelect(TV.Create(0x8000_0000), x, key);
        }

        // Round to nearest even of a non-NaN float to bfloat16.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV BFloat16Key(TV x) => (x + TV.Create(0x7FFF) + ((x >> 16) & TV.Create(1))) & TV.Create(0xFFFF_0000);
    }

    /// <summary>A vector of 32-bit lanes: the arithmetic operators plus the few other operations the conversions use.</summary>
    private interface IBitLanes<TSelf> : IAdditionOperators<TSelf, TSelf, TSelf>, ISubtractionOperators<TSelf, TSelf, TSelf>,
        IBitwiseOperators<TSelf, TSelf, TSelf>, IShiftOperators<TSelf, int, TSelf>
        where TSelf : struct, IBitLanes<TSelf>
    {
        static abstract int Count { get; }
        static abstract TSelf Create(uint value);
        /// <summary>The bits of <paramref name="ifOne"/> where <paramref name="mask"/> has ones, the others of <paramref name="ifZero"/>.</summary>
        static abstract TSelf BitwiseSelect(TSelf mask, TSelf ifOne, TSelf ifZero);
        static abstract TSelf Load(ref uint source, nuint index);
        /// <summary>Stores the high 16 bits of each lane of <paramref name="lower"/>, then of <paramref name="upper"/>.</summary>
        static abstract void StoreHighHalves(TSelf lower, TSelf upper, ref ushort destination, nuint index);
        // The lanes read as unsigned integers.
        static abstract TSelf Min(TSelf left, TSelf right);
        static abstract TSelf Max(TSelf left, TSelf right);
        static abstract bool AnyGreaterThan(TSelf left, TSelf right);
        // The lanes read as float32.
        /// <summary><paramref name="left"/> · <paramref name="right"/> + <paramref name="addend"/>, rounded once.</summary>
        static abstract TSelf MultiplyAddAsSingle(TSelf left, TSelf right, TSelf addend);
        /// <summary><paramref name="value"/> &lt; <paramref name="lo"/> ? lo : (value &gt; <paramref name="hi"/> ? hi : value).</summary>
        /// <remarks>Comparisons and the selections they drive stay inside one method: across the wrapper the JIT would not keep the masks in mask registers.</remarks>
        static abstract TSelf ClampAsSingle(TSelf value, TSelf lo, TSelf hi);
    }

    private readonly struct Lanes512(Vector512<uint> v) : IBitLanes<Lanes512>
    {
        private readonly Vector512<uint> _v = v;
        public static int Count => Vector512<uint>.Count;
        public static Lanes512 Create(uint value) => new(Vector512.Create(value));
        public static Lanes512 Load(ref uint source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));
        public static void StoreHighHalves(Lanes512 lower, Lanes512 upper, ref ushort destination, nuint index)
        {
            if (Avx512BW.IsSupported) // one two-source word permutation picks the odd words of both
                Avx512BW.PermuteVar32x16x2(lower._v.AsUInt16(), Vector512<ushort>.Indices * 2 + Vector512<ushort>.One, upper._v.AsUInt16()).StoreUnsafe(ref destination, index);
            else
                Vector512.Narrow(lower._v >> 16, upper._v >> 16).StoreUnsafe(ref destination, index);
        }
        public static Lanes512 Min(Lanes512 left, Lanes512 right) => new(Vector512.Min(left._v, right._v));
        public static Lanes512 Max(Lanes512 left, Lanes512 right) => new(Vector512.Max(left._v, right._v));
        public static bool AnyGreaterThan(Lanes512 left, Lanes512 right) => Vector512.GreaterThanAny(left._v, right._v);
        public static Lanes512 BitwiseSelect(Lanes512 mask, Lanes512 ifOne, Lanes512 ifZero) => new(Vector512.ConditionalSelect(mask._v, ifOne._v, ifZero._v));
        public static Lanes512 MultiplyAddAsSingle(Lanes512 left, Lanes512 right, Lanes512 addend) =>
            new(Vector512.FusedMultiplyAdd(left._v.AsSingle(), right._v.AsSingle(), addend._v.AsSingle()).AsUInt32());
        public static Lanes512 ClampAsSingle(Lanes512 value, Lanes512 lo, Lanes512 hi)
        {
            Vector512<float> v = value._v.AsSingle(), l = lo._v.AsSingle(), h = hi._v.AsSingle();
            // vmaxps/vminps return their second operand on ties (−0 and +0 included): exactly the comparisons below.
            if (Avx512F.IsSupported) return new(Avx512F.Min(h, Avx512F.Max(l, v)).AsUInt32());
            v = Vector512.ConditionalSelect(Vector512.LessThan(v, l), l, v);
            return new(Vector512.ConditionalSelect(Vector512.GreaterThan(v, h), h, v).AsUInt32());
        }
        public static Lanes512 operator +(Lanes512 left, Lanes512 right) => new(left._v + right._v);
        public static Lanes512 operator -(Lanes512 left, Lanes512 right) => new(left._v - right._v);
        public static Lanes512 operator &(Lanes512 left, Lanes512 right) => new(left._v & right._v);
        public static Lanes512 operator |(Lanes512 left, Lanes512 right) => new(left._v | right._v);
        public static Lanes512 operator ^(Lanes512 left, Lanes512 right) => new(left._v ^ right._v);
        public static Lanes512 operator ~(Lanes512 value) => new(~value._v);
        public static Lanes512 operator <<(Lanes512 value, int shift) => new(value._v << shift);
        public static Lanes512 operator >>(Lanes512 value, int shift) => new(value._v >> shift);
        public static Lanes512 operator >>>(Lanes512 value, int shift) => new(value._v >>> shift);
    }

    private readonly struct LanesT(Vector<uint> v) : IBitLanes<LanesT>
    {
        private readonly Vector<uint> _v = v;
        public static int Count => Vector<uint>.Count;
        public static LanesT Create(uint value) => new(new Vector<uint>(value));
        public static LanesT Load(ref uint source, nuint index) => new(Vector.LoadUnsafe(ref source, index));
        public static void StoreHighHalves(LanesT lower, LanesT upper, ref ushort destination, nuint index) =>
            Vector.Narrow(lower._v >> 16, upper._v >> 16).StoreUnsafe(ref destination, index);
        public static LanesT Min(LanesT left, LanesT right) => new(Vector.Min(left._v, right._v));
        public static LanesT Max(LanesT left, LanesT right) => new(Vector.Max(left._v, right._v));
        public static bool AnyGreaterThan(LanesT left, LanesT right) => Vector.GreaterThanAny(left._v, right._v);
        public static LanesT BitwiseSelect(LanesT mask, LanesT ifOne, LanesT ifZero) => new(Vector.ConditionalSelect(mask._v, ifOne._v, ifZero._v));
        public static LanesT MultiplyAddAsSingle(LanesT left, LanesT right, LanesT addend) =>
            new(Vector.AsVectorUInt32(Vector.FusedMultiplyAdd(Vector.AsVectorSingle(left._v), Vector.AsVectorSingle(right._v), Vector.AsVectorSingle(addend._v))));
        public static LanesT ClampAsSingle(LanesT value, LanesT lo, LanesT hi)
        {
            Vector<float> v = Vector.AsVectorSingle(value._v), l = Vector.AsVectorSingle(lo._v), h = Vector.AsVectorSingle(hi._v);
            v = Vector.ConditionalSelect(Vector.LessThan(v, l), l, v);
            return new(Vector.AsVectorUInt32(Vector.ConditionalSelect(Vector.GreaterThan(v, h), h, v)));
        }
        public static LanesT operator +(LanesT left, LanesT right) => new(left._v + right._v);
        public static LanesT operator -(LanesT left, LanesT right) => new(left._v - right._v);
        public static LanesT operator &(LanesT left, LanesT right) => new(left._v & right._v);
        public static LanesT operator |(LanesT left, LanesT right) => new(left._v | right._v);
        public static LanesT operator ^(LanesT left, LanesT right) => new(left._v ^ right._v);
        public static LanesT operator ~(LanesT value) => new(~value._v);
        public static LanesT operator <<(LanesT value, int shift) => new(value._v << shift);
        public static LanesT operator >>(LanesT value, int shift) => new(value._v >> shift);
        public static LanesT operator >>>(LanesT value, int shift) => new(value._v >>> shift);
    }

    /// <summary>The bfloat16 nearest to <paramref name="x"/>, ties to even (<see cref="BFloat16Bits.FromSingle"/>).</summary>
    public static ushort RoundToBFloat16Bits(float x) => BFloat16Bits.FromSingle(x);

    /// <summary>The float32 equal to a bfloat16 (<see cref="BFloat16Bits.ToSingle"/>).</summary>
    public static float BFloat16BitsToSingle(ushort bits) => BFloat16Bits.ToSingle(bits);

    /// <summary><paramref name="x"/> rounded to the format (ties to even), as a double.</summary>
    public static double Round(ElementFormat format, double x) => format switch
    {
        ElementFormat.Single => (float)x,
        ElementFormat.Double => x,
        ElementFormat.Half => (double)(Half)x,
        _ => BFloat16BitsToSingle(RoundToBFloat16Bits((float)x)),
    };

    /// <summary>The next representable value of the format above (<paramref name="up"/>) or below <paramref name="x"/>, itself a format value.</summary>
    public static double Step(ElementFormat format, double x, bool up) => format switch
    {
        ElementFormat.Single => up ? MathF.BitIncrement((float)x) : MathF.BitDecrement((float)x),
        ElementFormat.Double => up ? Math.BitIncrement(x) : Math.BitDecrement(x),
        ElementFormat.Half => (double)(up ? Half.BitIncrement((Half)x) : Half.BitDecrement((Half)x)),
        _ => StepBFloat16((float)x, up),
    };

    private static float StepBFloat16(float x, bool up)
    {
        // Walking the float32 neighbours until the bfloat16 rounding changes lands on the bfloat16 neighbour.
        ushort b = RoundToBFloat16Bits(x);
        if (float.IsInfinity(x) && (x > 0) == up) return x;
        if (x == 0) return up ? BFloat16BitsToSingle(0x0001) : BFloat16BitsToSingle(0x8001);
        bool away = (x > 0) == up; // moving away from zero increases the magnitude bits
        ushort next = (ushort)(away ? b + 1 : b - 1);
        return BFloat16BitsToSingle(next);
    }

    /// <summary>The smallest and largest values of the format inside a support with the given bounds and inclusiveness.</summary>
    /// <exception cref="ArgumentException">No value of the format lies inside.</exception>
    public static (double Lo, double Hi) Clamps(ElementFormat format, double lower, bool lowerInclusive, double upper, bool upperInclusive)
    {
        double lo = Round(format, lower);
        if (lo < lower || (lo == lower && !lowerInclusive)) lo = Step(format, lo, up: true);
        double hi = Round(format, upper);
        if (hi > upper || (hi == upper && !upperInclusive)) hi = Step(format, hi, up: false);
        if (!(lo <= hi))
            throw new ArgumentException(
                $"No {format} value lies in the interval {(lowerInclusive ? '[' : '(')}{lower:R}, {upper:R}{(upperInclusive ? ']' : ')')}: widen the interval or use a wider element type.");
        return (lo, hi);
    }
}
