using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        int i = 0;
        if (!scalar && Vector.IsHardwareAccelerated)
        {
            int n = Vector<uint>.Count;
            var loKey = new Vector<int>(OrderKey(BitConverter.HalfToUInt16Bits((Half)lo)));
            var hiKey = new Vector<int>(OrderKey(BitConverter.HalfToUInt16Bits((Half)hi)));
            var loBits = new Vector<uint>(BitConverter.HalfToUInt16Bits((Half)lo));
            var hiBits = new Vector<uint>(BitConverter.HalfToUInt16Bits((Half)hi));
            var dst = MemoryMarshal.Cast<Half, ushort>(destination);
            for (; i + 2 * n <= source.Length; i += 2 * n)
            {
                var x0 = new Vector<float>(source[i..]);
                var x1 = new Vector<float>(source[(i + n)..]);
                if (!Vector.EqualsAll(x0, x0) || !Vector.EqualsAll(x1, x1)) break; // NaN: the scalar loop below
                var h0 = Clamp(HalfBits(x0), loKey, hiKey, loBits, hiBits);
                var h1 = Clamp(HalfBits(x1), loKey, hiKey, loBits, hiBits);
                Vector.Narrow(h0, h1).CopyTo(dst[i..]);
            }
        }
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
        int i = 0;
        if (!scalar && Vector.IsHardwareAccelerated)
        {
            int n = Vector<uint>.Count;
            ushort lb = RoundToBFloat16Bits(lo), hb = RoundToBFloat16Bits(hi);
            var loKey = new Vector<int>(OrderKey(lb));
            var hiKey = new Vector<int>(OrderKey(hb));
            var loBits = new Vector<uint>(lb);
            var hiBits = new Vector<uint>(hb);
            for (; i + 2 * n <= source.Length; i += 2 * n)
            {
                var x0 = new Vector<float>(source[i..]);
                var x1 = new Vector<float>(source[(i + n)..]);
                if (!Vector.EqualsAll(x0, x0) || !Vector.EqualsAll(x1, x1)) break; // NaN: the scalar loop below
                var b0 = Clamp(BFloat16Bits(x0), loKey, hiKey, loBits, hiBits);
                var b1 = Clamp(BFloat16Bits(x1), loKey, hiKey, loBits, hiBits);
                Vector.Narrow(b0, b1).CopyTo(destination[i..]);
            }
        }
        for (; i < source.Length; i++)
        {
            ushort b = RoundToBFloat16Bits(source[i]);
            float f = BFloat16BitsToSingle(b);
            destination[i] = f < lo ? RoundToBFloat16Bits(lo) : (f > hi ? RoundToBFloat16Bits(hi) : b);
        }
    }

    // A 16-bit float pattern (sign in bit 15) as an integer ordered like its value, −0 and +0 equal; not for NaN.
    private static int OrderKey(ushort bits) => (bits & 0x8000) != 0 ? -(bits & 0x7FFF) : bits & 0x7FFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> Clamp(Vector<uint> bits, Vector<int> loKey, Vector<int> hiKey, Vector<uint> loBits, Vector<uint> hiBits)
    {
        var magnitude = Vector.AsVectorInt32(bits & new Vector<uint>(0x7FFF));
        var negative = Vector.Equals(bits & new Vector<uint>(0x8000), new Vector<uint>(0x8000));
        var key = Vector.ConditionalSelect(Vector.AsVectorInt32(negative), -magnitude, magnitude);
        bits = Vector.ConditionalSelect(Vector.AsVectorUInt32(Vector.LessThan(key, loKey)), loBits, bits);
        return Vector.ConditionalSelect(Vector.AsVectorUInt32(Vector.GreaterThan(key, hiKey)), hiBits, bits);
    }

    // Round to nearest even of a non-NaN float to binary16 (F. Giesen's float_to_half_fast3_rtne), in 32-bit lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> HalfBits(Vector<float> x)
    {
        const uint denormMagic = ((127 - 15) + (23 - 10) + 1) << 23;
        var f = Vector.AsVectorUInt32(x);
        var sign = f & new Vector<uint>(0x8000_0000);
        f ^= sign;
        var tooBig = Vector.GreaterThanOrEqual(f, new Vector<uint>((127 + 16) << 23)); // ≥ 65536: infinity (NaN excluded)
        var small = Vector.LessThan(f, new Vector<uint>(113 << 23));                   // < 2⁻¹⁴: subnormal or zero
        var sub = Vector.AsVectorUInt32(Vector.AsVectorSingle(f) + Vector.AsVectorSingle(new Vector<uint>(denormMagic))) - new Vector<uint>(denormMagic);
        var odd = (f >> 13) & Vector<uint>.One;
        var normal = (f + new Vector<uint>(unchecked((uint)((15 - 127) << 23) + 0xFFF)) + odd) >> 13;
        var o = Vector.ConditionalSelect(small, sub, normal);
        o = Vector.ConditionalSelect(tooBig, new Vector<uint>(0x7C00), o);
        return o | (sign >> 16);
    }

    // Round to nearest even of a non-NaN float to bfloat16, in 32-bit lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> BFloat16Bits(Vector<float> x)
    {
        var bits = Vector.AsVectorUInt32(x);
        return (bits + new Vector<uint>(0x7FFF) + ((bits >> 16) & Vector<uint>.One)) >> 16;
    }

    /// <summary>The bfloat16 nearest to <paramref name="x"/>, ties to even; NaN stays a quiet NaN.</summary>
    public static ushort RoundToBFloat16Bits(float x)
    {
        uint bits = BitConverter.SingleToUInt32Bits(x);
        if (float.IsNaN(x)) return (ushort)((bits >> 16) | 0x0040);
        uint rounding = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + rounding) >> 16);
    }

    /// <summary>The float32 equal to a bfloat16 (exact).</summary>
    public static float BFloat16BitsToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

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
