using System.Globalization;
using WeightInit.Numerics;
using WeightInit.Tests.Oracles;

namespace WeightInit.Tests.Numerics;

public class SpecialFunctionsTests
{
    private static readonly double[] ErfcxPoints = [-3, -0.3, 0, 1e-10, 0.2, 0.46875, 0.5, 1, 3.9, 4, 4.1, 10, 26.5, 26.6, 40, 1e3, 1e6, 6.7e7, 6.8e7, 1e10];
    private static readonly double[] SmallPoints = [-0.9, -0.5, -1e-3, -1e-12, -1e-300, 1e-300, 1e-12, 1e-8, 1e-3, 0.1, 0.5, 2, 30, -30, -800];

    [OracleFact(Oracle.Mpmath)]
    public void Erfcx_Log1p_Expm1_MatchMpmath()
    {
        string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        var script = "from mpmath import mp, mpf, erfc, exp, log, expm1, log1p\nmp.dps = 60\n" +
            string.Join("\n", ErfcxPoints.Select(x => $"print(mp.nstr(exp(mpf({R(x)})**2) * erfc(mpf({R(x)})), 25))")) + "\n" +
            string.Join("\n", SmallPoints.Where(x => x > -1).Select(x => $"print(mp.nstr(log1p(mpf({R(x)})), 25))")) + "\n" +
            string.Join("\n", SmallPoints.Select(x => $"print(mp.nstr(expm1(mpf({R(x)})), 25))"));
        var expected = new Queue<double>(Python.Run(script).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)));
        foreach (double x in ErfcxPoints)
        {
            double e = expected.Dequeue();
            Assert.True(Math.Abs(SpecialFunctions.Erfcx(x) - e) <= 4e-16 * e, $"erfcx({x:R}) = {SpecialFunctions.Erfcx(x):R} vs {e:R}");
        }
        foreach (double x in SmallPoints.Where(x => x > -1))
        {
            double e = expected.Dequeue();
            Assert.True(Math.Abs(DeterministicMath.Log1p(x) - e) <= 6e-16 * Math.Abs(e), $"log1p({x:R}) = {DeterministicMath.Log1p(x):R} vs {e:R}");
        }
        foreach (double x in SmallPoints)
        {
            double e = expected.Dequeue();
            Assert.True(Math.Abs(DeterministicMath.Expm1(x) - e) <= 6e-16 * Math.Abs(e), $"expm1({x:R}) = {DeterministicMath.Expm1(x):R} vs {e:R}");
        }
    }

    [Fact]
    public void Erfcx_TimesExpOfMinusSquare_IsErfc()
    {
        // Where e^(−x²) is a normal double, erfcx(x)·e^(−x²) is erfc(x) (the same rational functions, to a few ulps).
        foreach (double x in new[] { 0.1, 0.5, 2, 4, 5, 10, 20, 26 })
        {
            double a = SpecialFunctions.Erfcx(x) * Math.Exp(-x * x), b = SpecialFunctions.Erfc(x);
            Assert.True(Math.Abs(a - b) <= 1e-14 * b, $"x = {x}: {a:R} vs {b:R}");
        }
    }

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
