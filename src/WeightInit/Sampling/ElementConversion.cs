namespace WeightInit.Sampling;

/// <summary>The element formats values are written in, with the rounding and the representable neighbours each needs.</summary>
internal enum ElementFormat { Single, Double, Half, BFloat16 }

/// <summary>Conversions from float32 to the 16-bit formats (round to nearest, ties to even) and the clamps that keep a support's bounds.</summary>
internal static class ElementConversion
{
    /// <summary>float32 → IEEE binary16, ties to even, then kept inside [lo, hi] (both binary16 values).</summary>
    public static void ToHalf(ReadOnlySpan<float> source, Span<Half> destination, float lo, float hi)
    {
        for (int i = 0; i < source.Length; i++)
        {
            Half h = (Half)source[i];
            float f = (float)h;
            destination[i] = f < lo ? (Half)lo : (f > hi ? (Half)hi : h);
        }
    }

    /// <summary>float32 → bfloat16 bits, ties to even, then kept inside [lo, hi] (both bfloat16 values).</summary>
    public static void ToBFloat16(ReadOnlySpan<float> source, Span<ushort> destination, float lo, float hi)
    {
        for (int i = 0; i < source.Length; i++)
        {
            ushort b = RoundToBFloat16Bits(source[i]);
            float f = BFloat16BitsToSingle(b);
            destination[i] = f < lo ? RoundToBFloat16Bits(lo) : (f > hi ? RoundToBFloat16Bits(hi) : b);
        }
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
