namespace WeightInit.Sampling;

/// <summary>bfloat16 values held as their 16 bits (the upper half of a float32), as tensor files store them.</summary>
public static class BFloat16Bits
{
    /// <summary>The bfloat16 nearest to <paramref name="x"/>, ties to even; NaN stays a quiet NaN.</summary>
    public static ushort FromSingle(float x)
    {
        uint bits = BitConverter.SingleToUInt32Bits(x);
        if (float.IsNaN(x)) return (ushort)((bits >> 16) | 0x0040);
        uint rounding = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + rounding) >> 16);
    }

    /// <summary>The float32 equal to a bfloat16 (exact).</summary>
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}
