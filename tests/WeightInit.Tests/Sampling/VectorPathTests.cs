using WeightInit.Random;
using WeightInit.Sampling;

namespace WeightInit.Tests.Sampling;

/// <summary>The vector word stream and the vector 16-bit conversions against their scalar references, bit for bit.</summary>
[Trait("Category", "Simd")]
public class VectorPathTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(3UL)]
    [InlineData((1UL << 28) - 3)] // blocks 2^32 − 48 …: the high counter word changes inside the run
    [InlineData(0x0FFF_FFFF_FFFF_FFF0UL)]
    public void PhiloxWords_AnyGroupCount_EqualsScalarBlocks(ulong firstGroup)
    {
        var key = PhiloxKey.FromSeed(7).Fold("words");
        for (int groups = 1; groups <= 7; groups++)
        {
            var vector = new uint[groups * PhiloxWords.WordsPerGroup];
            var scalar = new uint[vector.Length];
            PhiloxWords.Fill(key, 3, firstGroup, vector);
            PhiloxWords.Fill(key, 3, firstGroup, scalar, scalar: true);
            Assert.Equal(scalar, vector);
            if (firstGroup >= 1UL << 57) continue; // word positions beyond 2^63 are not addressable by Word
            for (int i = 0; i < vector.Length; i += 13)
                Assert.Equal(PhiloxWords.Word(key, 3, firstGroup * PhiloxWords.WordsPerGroup + (ulong)i), vector[i]);
        }
    }

    /// <summary>Float bit patterns: a stride through all 2^32 (every exponent, both signs), the binary16 rounding boundaries, zeros and infinities.</summary>
    private static float[] Patterns()
    {
        var list = new List<float>();
        for (ulong b = 0; b < 1UL << 32; b += 65_537)
        {
            float f = BitConverter.UInt32BitsToSingle((uint)b);
            if (!float.IsNaN(f)) list.Add(f);
        }
        foreach (float f in new[] { 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, 65504f, 65519.996f, 65520f, -65520f,
                     6.1035156E-05f, 5.9604645E-08f, 2.9802322E-08f, 2.9802326E-08f, -2.9802322E-08f, 1.0009766f, 1.0004883f, 3.3895314E+38f })
        {
            list.Add(f);
            list.Add(MathF.BitIncrement(f));
            list.Add(MathF.BitDecrement(f));
        }
        return list.Where(f => !float.IsNaN(f)).ToArray();
    }

    [Theory]
    [InlineData(float.NegativeInfinity, float.PositiveInfinity)]
    [InlineData(-2f, 2f)]
    [InlineData(-65504f, 65504f)]
    [InlineData(0.5f, 0.75f)]
    public void ToHalf_VectorPath_EqualsCast(float lo, float hi)
    {
        var source = Patterns();
        AssertHalfVectorEqualsScalar(source, lo, hi);
    }

    [Theory]
    [InlineData(float.NegativeInfinity, float.PositiveInfinity)]
    [InlineData(-2f, 2f)]
    [InlineData(0.5f, 0.75f)]
    public void ToBFloat16_VectorPath_EqualsScalar(float lo, float hi)
    {
        var source = Patterns();
        AssertBFloat16VectorEqualsScalar(source, lo, hi);
    }

    /// <summary>Every binary16 value as a float32, the ties halfway to its upper neighbour, and the floats on either side of each tie.</summary>
    private static float[] HalfTies()
    {
        var list = new List<float>();
        for (int b = 0; b < 1 << 16; b++)
        {
            Half h = BitConverter.UInt16BitsToHalf((ushort)b);
            if (Half.IsNaN(h)) continue;
            float f = (float)h;
            list.Add(f);
            if (Half.IsInfinity(h)) continue;
            // The neighbour away from zero; beyond the largest finite value, the tie sits at 65520.
            double next = Half.IsInfinity(Half.BitIncrement(Half.Abs(h))) ? 65536.0 : (double)Half.BitIncrement(Half.Abs(h));
            float tie = (float)((Math.Abs((double)f) + next) / 2 * (f < 0 || BitConverter.HalfToUInt16Bits(h) == 0x8000 ? -1 : 1));
            list.Add(tie);
            list.Add(MathF.BitIncrement(tie));
            list.Add(MathF.BitDecrement(tie));
        }
        return list.ToArray();
    }

    /// <summary>Every bfloat16 value as a float32, the ties halfway to its neighbour away from zero, and the floats on either side of each tie.</summary>
    private static float[] BFloat16Ties()
    {
        var list = new List<float>();
        for (uint b = 0; b < 1 << 16; b++)
        {
            float f = BitConverter.UInt32BitsToSingle(b << 16);
            if (float.IsNaN(f)) continue;
            list.Add(f);
            if (float.IsInfinity(f)) continue;
            float tie = BitConverter.UInt32BitsToSingle((b << 16) | 0x8000);
            list.Add(tie);
            list.Add(MathF.BitIncrement(tie));
            list.Add(MathF.BitDecrement(tie));
        }
        return list.ToArray();
    }

    /// <summary>Clamps at zero (either sign), in the subnormals, at the largest finite values and none at all.</summary>
    public static TheoryData<float, float> HalfClamps() => new()
    {
        { float.NegativeInfinity, float.PositiveInfinity }, { 0f, float.PositiveInfinity }, { -0f, 1f }, { float.NegativeInfinity, -0f },
        { -1f, 0f }, { 5.9604645E-08f, 6.097555E-05f }, { -6.1035156E-05f, -5.9604645E-08f }, { -65504f, 65504f }, { 1f, 1f },
    };

    [Theory]
    [MemberData(nameof(HalfClamps))]
    public void ToHalf_EveryTieAndValue_EqualsScalar(float lo, float hi)
    {
        var source = HalfTies();
        AssertHalfVectorEqualsScalar(source, lo, hi);
    }

    /// <summary>Clamps at zero (either sign), in the subnormals, at the largest finite values and none at all.</summary>
    public static TheoryData<float, float> BFloat16Clamps() => new()
    {
        { float.NegativeInfinity, float.PositiveInfinity }, { 0f, float.PositiveInfinity }, { -0f, 1f }, { float.NegativeInfinity, -0f },
        { -1f, 0f }, { BitConverter.UInt32BitsToSingle(0x0001_0000), BitConverter.UInt32BitsToSingle(0x0080_0000) },
        { -float.MaxValue, 3.3895314E+38f }, { 1f, 1f },
    };

    [Theory]
    [MemberData(nameof(BFloat16Clamps))]
    public void ToBFloat16_EveryTieAndValue_EqualsScalar(float lo, float hi)
    {
        var source = BFloat16Ties();
        AssertBFloat16VectorEqualsScalar(source, lo, hi);
    }

    [Fact]
    public void SixteenBit_EveryLengthAndStart_EqualsScalar()
    {
        // Lengths around multiples of every vector width (two vectors of 4, 8 or 16 lanes per step), at odd starts.
        var all = Patterns();
        for (int start = 0; start < 3; start++)
            for (int length = 0; length <= 100; length++)
            {
                var source = all.AsSpan(1000 + 37 * start, length);
                var hv = new Half[length]; var hs = new Half[length];
                ElementConversion.ToHalf(source, hv, -2f, 2f);
                ElementConversion.ToHalf(source, hs, -2f, 2f, scalar: true);
                Assert.Equal(hs.Select(BitConverter.HalfToUInt16Bits), hv.Select(BitConverter.HalfToUInt16Bits));
                var bv = new ushort[length]; var bs = new ushort[length];
                ElementConversion.ToBFloat16(source, bv, -2f, 2f);
                ElementConversion.ToBFloat16(source, bs, -2f, 2f, scalar: true);
                Assert.Equal(bs, bv);
            }
    }

    [Theory]
    [InlineData(0x7FC0_0000u)]
    [InlineData(0xFFC0_0000u)]
    [InlineData(0x7F80_0001u)]
    [InlineData(0xFFFF_FFFFu)]
    [InlineData(0x7FFF_E001u)]
    public void SixteenBit_NaNAnywhere_EqualsScalar(uint nan)
    {
        var source = Patterns()[..200];
        foreach (int at in new[] { 0, 31, 32, 100, 199 })
        {
            var s = source.ToArray();
            s[at] = BitConverter.UInt32BitsToSingle(nan);
            var hv = new Half[s.Length]; var hs = new Half[s.Length];
            ElementConversion.ToHalf(s, hv, -65504f, 65504f);
            ElementConversion.ToHalf(s, hs, -65504f, 65504f, scalar: true);
            Assert.Equal(hs.Select(BitConverter.HalfToUInt16Bits), hv.Select(BitConverter.HalfToUInt16Bits));
            var bv = new ushort[s.Length]; var bs = new ushort[s.Length];
            ElementConversion.ToBFloat16(s, bv, -1f, 1f);
            ElementConversion.ToBFloat16(s, bs, -1f, 1f, scalar: true);
            Assert.Equal(bs, bv);
        }
    }

    private static void AssertHalfVectorEqualsScalar(float[] source, float lo, float hi)
    {
        var vector = new Half[source.Length];
        var scalar = new Half[source.Length];
        ElementConversion.ToHalf(source, vector, lo, hi);
        ElementConversion.ToHalf(source, scalar, lo, hi, scalar: true);
        for (int i = 0; i < source.Length; i++)
            Assert.True(BitConverter.HalfToUInt16Bits(scalar[i]) == BitConverter.HalfToUInt16Bits(vector[i]),
                $"{source[i]:R} (0x{BitConverter.SingleToUInt32Bits(source[i]):x8}): {scalar[i]} vs {vector[i]}");
    }

    private static void AssertBFloat16VectorEqualsScalar(float[] source, float lo, float hi)
    {
        var vector = new ushort[source.Length];
        var scalar = new ushort[source.Length];
        ElementConversion.ToBFloat16(source, vector, lo, hi);
        ElementConversion.ToBFloat16(source, scalar, lo, hi, scalar: true);
        Assert.Equal(scalar, vector);
    }
}
