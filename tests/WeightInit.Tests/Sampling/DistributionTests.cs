using WeightInit.Numerics;
using WeightInit.Sampling;

namespace WeightInit.Tests.Sampling;

public class DistributionTests
{
    private static readonly WeightInit.Random.PhiloxKey Key = SamplingCases.Key.Fold("edges");

    [Fact]
    public void Uniform_NarrowInterval_NeverReturnsUpperEnd()
    {
        // [1, 1 + 2⁻²⁰): only 16 float32 values lie inside, so low + span·u rounds onto High often; it must never be returned.
        double high = 1 + Math.Pow(2, -20);
        var d = new UniformDistribution(1, high);
        var f = new float[1 << 16]; d.Fill(Key, f);
        Assert.All(f, v => Assert.True(v >= 1f && v < high, $"{v:R}"));
        Assert.Contains(f, v => v == MathF.BitDecrement((float)high));
        var h = new Half[1 << 16]; new UniformDistribution(1, 1.0625).Fill(Key, h);
        Assert.All(h, v => Assert.True((double)v >= 1 && (double)v < 1.0625, $"{v}"));
        var b = new ushort[1 << 16]; new UniformDistribution(1, 1.03125).FillBFloat16Bits(Key, b);
        Assert.All(b, v => Assert.True(v >= 0x3F80 && v < 0x3F84, $"{v:x4}"));
    }

    [Fact]
    public void Uniform_ZeroWord_GivesLowExactly()
    {
        // The smallest u is 0, which maps to Low: Low belongs to the support.
        var d = new UniformDistribution(-0.25, 0.75);
        var f = new float[1 << 20]; d.Fill(Key, f);
        Assert.True(f.Min() >= -0.25f);
    }

    [Theory]
    [InlineData(-1e-6, 1e-6)]
    [InlineData(0.999999, 1.000001)]
    [InlineData(5, 6)]
    public void TruncatedNormal_AbsoluteBoundsCloseToRoundingSteps_ValuesStrictlyInside(double a, double b)
    {
        var d = new TruncatedNormalDistribution(0, 1, a, b, BoundUnit.Absolute);
        var f = new float[1 << 16]; d.Fill(Key, f);
        Assert.All(f, v => Assert.True(v > a && v < b, $"{v:R} not in ({a}, {b})"));
        var g = new double[1 << 16]; d.Fill(Key, g);
        Assert.All(g, v => Assert.True(v > a && v < b, $"{v:R} not in ({a}, {b})"));
        var h = new Half[1 << 12];
        if (a == 5) { d.Fill(Key, h); Assert.All(h, v => Assert.True((double)v > a && (double)v < b, $"{v}")); }
    }

    [Fact]
    public void TruncatedNormal_TwoSigma_KerasConstant()
    {
        // Keras divides the stddev by 0.87962566103423978, the standard deviation of N(0,1) truncated to (−2, 2).
        var unit = new TruncatedNormalDistribution(0, 1);
        Assert.Equal(0.87962566103423978, unit.StandardDeviation, 1e-15);
        var d = TruncatedNormalDistribution.WithStandardDeviation(0, 0.1);
        Assert.Equal(0.1 / 0.87962566103423978, d.StdDev, 1e-15);
        Assert.Equal(0.1, d.StandardDeviation, 1e-15);
    }

    [Fact]
    public void TruncatedNormal_FarTail_MomentsMatchAsymptotics()
    {
        // Mills-ratio series: for α = 37, β = 38 the mean is α + 1/α − 2/α³ + 10/α⁵ − … and the variance 1/α² − 6/α⁴ + 50/α⁶ − …
        // (the mass beyond 38 is e^−37.5 of the rest; the omitted terms are below 10⁻¹⁰).
        var d = new TruncatedNormalDistribution(0, 1, 37, 38);
        double alpha = 37;
        Assert.Equal(alpha + 1 / alpha - 2 / Math.Pow(alpha, 3) + 10 / Math.Pow(alpha, 5), d.Expectation, 1e-9);
        Assert.Equal(1 / (alpha * alpha) - 6 / Math.Pow(alpha, 4) + 50 / Math.Pow(alpha, 6), d.Variance, 1e-9);
    }

    [Fact]
    public void Moments_ClosedForms_Exact()
    {
        Assert.Equal(0.5, new UniformDistribution(-1, 2).Expectation);
        Assert.Equal(0.75, new UniformDistribution(-1, 2).Variance);
        Assert.Equal(4.0, new NormalDistribution(1, 2).Variance);
        // A symmetric truncation keeps the mean.
        Assert.Equal(3.0, new TruncatedNormalDistribution(3, 2, -1, 1).Expectation, 1e-15);
    }

    [Fact]
    public void InvalidParameters_ThrowNamingTheProblem()
    {
        Assert.Contains("Low < High", Assert.Throws<ArgumentException>(() => new UniformDistribution(1, 1)).Message);
        Assert.Contains("finite", Assert.Throws<ArgumentOutOfRangeException>(() => new UniformDistribution(double.NaN, 1)).Message);
        Assert.Contains("≥ 0", Assert.Throws<ArgumentOutOfRangeException>(() => new NormalDistribution(0, -1)).Message);
        Assert.Contains("lower < upper", Assert.Throws<ArgumentException>(() => new TruncatedNormalDistribution(0, 1, 2, -2)).Message);
        Assert.Contains("StdDev > 0", Assert.Throws<ArgumentOutOfRangeException>(() => new TruncatedNormalDistribution(0, 0)).Message);
        // (b − a)/σ = 10⁻¹⁷/10³⁰⁸ underflows to 0: no double resolves the width in σ-units (every finite interval wider than that is sampled).
        Assert.Contains("narrower than double precision resolves", Assert.Throws<ArgumentException>(() => new TruncatedNormalDistribution(0, 1e308, 0, 1e-17, BoundUnit.Absolute)).Message);
        Assert.Contains("No Half value", Assert.Throws<ArgumentException>(() =>
            new UniformDistribution(1.0001, 1.0002).Fill(Key, new Half[4])).Message);
    }

    [Fact]
    public void Normal_ValuesBeyondTheElementType_Refused_BeforeAnyValue()
    {
        // Box–Muller reaches |z| = √(64 ln 2) ≈ 6.6604 in float32 and √(108 ln 2) ≈ 8.6522 in float64: a σ that carries
        // such a z past the largest finite value would write infinities (and a float32 σ of ∞ times cos = 0 a NaN).
        var f = new float[64];
        Assert.Contains("does not fit float32", Assert.Throws<ArgumentException>(() => new NormalDistribution(0, 1e38).Fill(Key, f)).Message);
        Assert.Contains("does not fit float32", Assert.Throws<ArgumentException>(() => new NormalDistribution(-1e39, 1).Fill(Key, f)).Message);
        Assert.All(f, v => Assert.Equal(0f, v));
        Assert.Contains("does not fit float64", Assert.Throws<ArgumentException>(() => new NormalDistribution(0, 1e308).Fill(Key, new double[4])).Message);
        Assert.Contains("does not fit float16", Assert.Throws<ArgumentException>(() => new NormalDistribution(0, 1e300).Fill(Key, new Half[4])).Message);
        Assert.Contains("does not fit bfloat16", Assert.Throws<ArgumentException>(() => new NormalDistribution(1e39, 1).FillBFloat16Bits(Key, new ushort[4])).Message);

        // Just inside: 3.4e38 / 6.6605 ≈ 5.1e37 in float32, 1.797e308 / 8.6525 ≈ 2.08e307 in float64; every value finite.
        var inside = new float[1 << 16]; new NormalDistribution(0, 5e37).Fill(Key, inside);
        Assert.All(inside, v => Assert.True(float.IsFinite(v), $"{v}"));
        var inside64 = new double[1 << 12]; new NormalDistribution(0, 2e307).Fill(Key, inside64);
        Assert.All(inside64, v => Assert.True(double.IsFinite(v), $"{v}"));
        // The 16-bit types keep values finite by saturation, so a σ far beyond their range is still drawn (finite float32 arithmetic).
        var h = new Half[4096]; new NormalDistribution(0, 1e5).Fill(Key, h);
        Assert.All(h, v => Assert.True(Half.IsFinite(v), $"{v}"));
    }

    [Fact]
    public void Uniform_WidthBeyondFloat32_Refused_InFloat32Arithmetic_DrawnInFloat64()
    {
        // float32, float16 and bfloat16 values are low + (high − low)·u in float32: a width of 6e38 is ∞ there (every value was
        // the same clamp before). float64 has the room.
        var d = new UniformDistribution(-3e38, 3e38);
        Assert.Contains("the width 6E+38 overflows float32", Assert.Throws<ArgumentException>(() => d.Fill(Key, new float[4])).Message);
        Assert.Contains("does not fit float16", Assert.Throws<ArgumentException>(() => d.Fill(Key, new Half[4])).Message);
        Assert.Contains("an end overflows float32", Assert.Throws<ArgumentException>(() => new UniformDistribution(-1e300, 0).FillBFloat16Bits(Key, new ushort[4])).Message);
        var x = new double[1 << 12]; d.Fill(Key, x);
        Assert.All(x, v => Assert.True(v >= -3e38 && v < 3e38, $"{v}"));
        Assert.True(x.Max() - x.Min() > 5e38, "spread over the interval");
    }

    [Fact]
    public void TruncatedNormal_ValuesBeyondTheComputingType_Refused_FarFromItKept()
    {
        // ±2σ of σ = 1e300 lies far beyond float32: every value would be clamped onto ±3.4e38.
        var wide = new TruncatedNormalDistribution(0, 1e300);
        Assert.Contains("does not fit float32", Assert.Throws<ArgumentException>(() => wide.Fill(Key, new float[4])).Message);
        Assert.Contains("does not fit float16", Assert.Throws<ArgumentException>(() => wide.Fill(Key, new Half[4])).Message);
        var x = new double[256]; wide.Fill(Key, x);
        Assert.All(x, v => Assert.True(Math.Abs(v) < 2e300, $"{v}"));
        // The far tail [38σ, 38.3σ] at σ = 1e37 lies at 3.8e38: beyond float32 although μ + 9σ is not.
        Assert.Contains("does not fit float32", Assert.Throws<ArgumentException>(() =>
            new TruncatedNormalDistribution(0, 1e37, 38, 38.3).Fill(Key, new float[4])).Message);
        // A bound far out does not matter when the mass is near μ: (0, 1e39) with σ = 1 is drawn in float32.
        var f = new float[1024]; new TruncatedNormalDistribution(0, 1, 0, 1e39, BoundUnit.Absolute).Fill(Key, f);
        Assert.All(f, v => Assert.True(v > 0 && v < 10, $"{v}"));
    }

    [Fact]
    public void Normal_ZeroStdDev_GivesTheMean()
    {
        var f = new float[100]; new NormalDistribution(0.5, 0).Fill(Key, f);
        Assert.All(f, v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void Half_Values_AreRoundedFloat32Values()
    {
        var d = new NormalDistribution(0, 1);
        var f = new float[4096]; d.Fill(Key, f);
        var h = new Half[4096]; d.Fill(Key, h);
        var b = new ushort[4096]; d.FillBFloat16Bits(Key, b);
        for (int i = 0; i < f.Length; i++)
        {
            Assert.Equal((Half)f[i], h[i]);
            // bfloat16 by hand: round the float32 bits to the top 16, ties to even.
            uint bits = BitConverter.SingleToUInt32Bits(f[i]);
            uint lower = bits & 0xFFFF, upper = bits >> 16;
            uint rounded = lower > 0x8000 || (lower == 0x8000 && (upper & 1) == 1) ? upper + 1 : upper;
            Assert.Equal((ushort)rounded, b[i]);
        }
    }
    [Fact]
    public void BFloat16_BoundedSupport_IsRoundedFloat32MovedOneStepInsideOnlyWhereRoundingLeavesTheSupport()
    {
        // U[-b, b) with b = 1/16 + 3·2⁻¹³ (three quarters of a bfloat16 step above 1/16): float32 samples within half a bfloat16 step of b round onto or beyond it,
        // and are then moved to the largest bfloat16 below b (likewise below -b); every other element is the plain rounding.
        double bound = 1.0 / 16 + 3 * Math.Pow(2, -13);
        var d = new UniformDistribution(-bound, bound);
        var f = new float[1 << 16]; d.Fill(Key, f);
        var b = new ushort[f.Length]; d.FillBFloat16Bits(Key, b);
        // The bfloat16 values just inside each end, found by walking the positive bit patterns (not by the code under test).
        ushort largestInside = 0;
        for (ushort candidate = 0x3D00; candidate < 0x3E00; candidate++)
            if (BitConverter.UInt32BitsToSingle((uint)candidate << 16) < bound) largestInside = candidate;
        ushort smallestInside = 0; // the negative pattern of least magnitude ≥ -bound… i.e. the largest magnitude ≤ bound
        for (ushort candidate = 0x3D00; candidate < 0x3E00; candidate++)
            if (BitConverter.UInt32BitsToSingle((uint)candidate << 16) <= bound) smallestInside = (ushort)(candidate | 0x8000);
        int moved = 0;
        for (int i = 0; i < f.Length; i++)
        {
            uint bits = BitConverter.SingleToUInt32Bits(f[i]);
            uint lower = bits & 0xFFFF, upper = bits >> 16;
            uint rounded = lower > 0x8000 || (lower == 0x8000 && (upper & 1) == 1) ? upper + 1 : upper;
            float value = BitConverter.UInt32BitsToSingle(rounded << 16);
            ushort expected = value >= bound ? largestInside : value < -bound ? smallestInside : (ushort)rounded;
            if (expected != rounded) moved++;
            Assert.Equal(expected, b[i]);
        }
        Assert.True(moved > 0, "the interval was chosen so that some samples round onto the excluded end");
    }
}
