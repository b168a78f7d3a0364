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
        var vector = new Half[source.Length];
        var scalar = new Half[source.Length];
        ElementConversion.ToHalf(source, vector, lo, hi);
        ElementConversion.ToHalf(source, scalar, lo, hi, scalar: true);
        for (int i = 0; i < source.Length; i++)
            Assert.True(BitConverter.HalfToUInt16Bits(scalar[i]) == BitConverter.HalfToUInt16Bits(vector[i]),
                $"{source[i]:R} (0x{BitConverter.SingleToUInt32Bits(source[i]):x8}): {scalar[i]} vs {vector[i]}");
    }

    [Theory]
    [InlineData(float.NegativeInfinity, float.PositiveInfinity)]
    [InlineData(-2f, 2f)]
    [InlineData(0.5f, 0.75f)]
    public void ToBFloat16_VectorPath_EqualsScalar(float lo, float hi)
    {
        var source = Patterns();
        var vector = new ushort[source.Length];
        var scalar = new ushort[source.Length];
        ElementConversion.ToBFloat16(source, vector, lo, hi);
        ElementConversion.ToBFloat16(source, scalar, lo, hi, scalar: true);
        Assert.Equal(scalar, vector);
    }
}
