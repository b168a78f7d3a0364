using WeightInit.Numerics;
using WeightInit.Sampling;

namespace WeightInit.Tests.Sampling;

/// <summary>Kolmogorov–Smirnov tests with fixed keys: deterministic, with the critical value for the sample size at α = 10⁻⁶.</summary>
public class StatisticalTests
{
    private const int SampleSize = 200_000;

    /// <summary>The asymptotic KS critical value √(ln(2/α)/(2n)).</summary>
    private static double Critical(int n, double alpha = 1e-6) => Math.Sqrt(Math.Log(2 / alpha) / (2.0 * n));

    internal static double KolmogorovSmirnov(double[] sample, Func<double, double> cdf) => WeightInit.Numerics.KolmogorovSmirnov.Statistic(sample, cdf);

    private static Func<double, double> Cdf(Distribution d) => d.Cdf;

    [Theory]
    [MemberData(nameof(SamplingCases.Names), MemberType = typeof(SamplingCases))]
    public void Float32And64_FixedKey_PassKolmogorovSmirnov(string name)
    {
        var d = SamplingCases.All[name];
        var cdf = Cdf(d);
        var f = new float[SampleSize];
        d.Fill(SamplingCases.Key, f);
        double d32 = KolmogorovSmirnov(Array.ConvertAll(f, v => (double)v), cdf);
        Assert.True(d32 < Critical(SampleSize), $"{name} float32: D = {d32:G4} ≥ {Critical(SampleSize):G4}");
        var g = new double[SampleSize];
        d.Fill(SamplingCases.Key, g);
        double d64 = KolmogorovSmirnov(g, cdf);
        Assert.True(d64 < Critical(SampleSize), $"{name} float64: D = {d64:G4} ≥ {Critical(SampleSize):G4}");
    }

    [Theory]
    [MemberData(nameof(SamplingCases.Names), MemberType = typeof(SamplingCases))]
    public void SampleMeanAndVariance_FixedKey_WithinSixStandardErrors(string name)
    {
        var d = SamplingCases.All[name];
        var g = new double[SampleSize];
        d.Fill(SamplingCases.Key.Fold("moments"), g);
        double mean = g.Average();
        double variance = g.Sum(v => (v - mean) * (v - mean)) / (g.Length - 1);
        double fourth = g.Sum(v => Math.Pow(v - mean, 4)) / g.Length;
        double seMean = Math.Sqrt(d.Variance / SampleSize);
        double seVariance = Math.Sqrt(Math.Max(fourth - variance * variance, 0) / SampleSize);
        Assert.True(Math.Abs(mean - d.Expectation) < 6 * seMean, $"{name}: mean {mean:R} vs {d.Expectation:R} (SE {seMean:G3})");
        Assert.True(Math.Abs(variance - d.Variance) < 6 * seVariance, $"{name}: variance {variance:R} vs {d.Variance:R} (SE {seVariance:G3})");
    }

    [Fact]
    public void Normal_TailFrequency_MatchesTheory()
    {
        // P(|Z| > 3) = 0.0026998: the count beyond 3σ in 2^20 float32 draws is binomial; allow 6 standard deviations.
        const int n = 1 << 20;
        var f = new float[n];
        new NormalDistribution(0, 1).Fill(SamplingCases.Key.Fold("tails"), f);
        double p = 2 * SpecialFunctions.NormalUpperTail(3);
        int count = f.Count(v => Math.Abs(v) > 3);
        double sd = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(count, n * p - 6 * sd, n * p + 6 * sd);
    }
}
