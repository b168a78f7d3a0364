using WeightInit.Numerics;

namespace WeightInit.Tests.Numerics;

public class SpecialFunctionsTests
{
    [Fact]
    public void DeterministicMath_ExpAndLog_WithinOneUlpOfTheRuntime()
    {
        var rng = new System.Random(12345);
        for (int i = 0; i < 200_000; i++)
        {
            double x = (rng.NextDouble() - 0.5) * 1400;
            AssertUlps(Math.Exp(x), DeterministicMath.Exp(x), 1, $"exp({x:R})");
            double y = Math.Exp((rng.NextDouble() - 0.5) * 1400);
            AssertUlps(Math.Log(y), DeterministicMath.Log(y), 1, $"log({y:R})");
        }
        Assert.Equal(1.0, DeterministicMath.Exp(0));
        Assert.Equal(0.0, DeterministicMath.Log(1));
        Assert.Equal(double.NegativeInfinity, DeterministicMath.Log(0));
        Assert.True(double.IsNaN(DeterministicMath.Log(-1)));
        AssertUlps(Math.Log(double.Epsilon), DeterministicMath.Log(double.Epsilon), 1, "log of the smallest subnormal");
        AssertUlps(Math.Exp(-740), DeterministicMath.Exp(-740), 1, "exp into the subnormal range");
    }

    [Theory]
    // Values of erfc from Abramowitz & Stegun Table 7.1 and their 20-digit extensions (erfc(1), erfc(2), erfc(5), erfc(10)).
    [InlineData(1.0, 0.15729920705028513066)]
    [InlineData(2.0, 0.0046777349810472658379)]
    [InlineData(5.0, 1.5374597944280348502e-12)]
    [InlineData(10.0, 2.0884875837625447570e-45)]
    [InlineData(0.3, 0.67137324054087258659)]
    public void Erfc_KnownValues_FullRelativePrecision(double x, double expected)
    {
        Assert.True(Math.Abs(SpecialFunctions.Erfc(x) / expected - 1) < 4e-16, $"erfc({x}) = {SpecialFunctions.Erfc(x):R}");
        Assert.True(Math.Abs(SpecialFunctions.Erfc(-x) - (2 - expected)) < 4e-16);
    }

    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.975, 1.9599639845400542355)]
    [InlineData(1e-10, -6.3613409024040557160)]
    [InlineData(1e-300, -37.0470962993612)] // SciPy 1.10 norm.ppf
    [InlineData(0.3, -0.52440051270804067102)]
    public void NormalQuantile_KnownValues(double p, double expected)
    {
        double z = SpecialFunctions.NormalQuantile(p);
        Assert.True(Math.Abs(z - expected) <= 2e-15 * Math.Max(1, Math.Abs(expected)), $"Φ⁻¹({p}) = {z:R}");
    }

    [Fact]
    public void NormalQuantile_InvertsTheCdf_AcrossTheRange()
    {
        // Lower CDF below 0.5 only: above it p near 1 has too little absolute precision (that is what the upper tail is for).
        for (double x = -37; x <= 0.5; x += 0.01)
        {
            double p = SpecialFunctions.NormalCdf(x);
            double back = SpecialFunctions.NormalQuantile(p);
            Assert.True(Math.Abs(back - x) < 1e-13 * Math.Max(1, Math.Abs(x)), $"x={x} p={p:R} back={back:R}");
        }
        for (double x = 0.5; x <= 37; x += 0.01)
        {
            double back = SpecialFunctions.NormalUpperQuantile(SpecialFunctions.NormalUpperTail(x));
            Assert.True(Math.Abs(back - x) < 1e-13 * x, $"upper x={x} back={back:R}");
        }
    }

    private static void AssertUlps(double expected, double actual, long ulps, string what)
    {
        long d = Math.Abs(BitConverter.DoubleToInt64Bits(expected) - BitConverter.DoubleToInt64Bits(actual));
        Assert.True(d <= ulps, $"{what}: expected {expected:R}, got {actual:R} ({d} ulps)");
    }
}
