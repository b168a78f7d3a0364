using WeightInit.Numerics;

namespace WeightInit.Tests.Numerics;

public class KolmogorovSmirnovTests
{
    [Theory]
    // Critical values of Kolmogorov's limiting distribution (Smirnov 1948 tables; Marsaglia, Tsang & Wang 2003):
    // P(K > 1.2238) = 0.10, P(K > 1.3581) = 0.05, P(K > 1.6276) = 0.01, P(K > 1.9495) = 0.001.
    [InlineData(1.2238, 0.10)]
    [InlineData(1.3581, 0.05)]
    [InlineData(1.6276, 0.01)]
    [InlineData(1.9495, 0.001)]
    public void LimitingSurvival_KnownQuantiles(double lambda, double p) =>
        Assert.Equal(p, KolmogorovSmirnov.LimitingSurvival(lambda), p * 2e-3);

    [Theory]
    // Small-λ branch against the alternating series at the switch point and the median of K (0.8276).
    [InlineData(0.8276, 0.5)]
    [InlineData(0.5, 0.9639452436648751)]
    public void LimitingSurvival_SmallLambda(double lambda, double p) =>
        Assert.Equal(p, KolmogorovSmirnov.LimitingSurvival(lambda), 2e-4);

    [Fact]
    public void Statistic_HandComputed()
    {
        // Sample {0.1, 0.5, 0.9} against U(0,1): D = max over i of F − i/n and (i+1)/n − F = 1/3 − 0.1.
        double d = KolmogorovSmirnov.Statistic([0.9, 0.1, 0.5], x => x);
        Assert.Equal(1.0 / 3 - 0.1, d, 1e-15);
    }

    [Fact]
    public void Statistic_EmptySample_Throws() =>
        Assert.Contains("at least one value", Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.Statistic([], x => x)).Message);
}
