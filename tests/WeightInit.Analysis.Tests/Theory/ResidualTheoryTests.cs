using WeightInit.Models;
using WeightInit.Analysis.Theory;
using WeightInit.Gains;

namespace WeightInit.Analysis.Tests.Theory;

public class ResidualTheoryTests
{
    private static void Close(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData(ResidualScaling.None, "")]
    [InlineData(ResidualScaling.InverseSqrtDepth, ":scale=1/sqrt(L)")]
    [InlineData(ResidualScaling.InverseSqrtTwiceDepth, ":scale=1/sqrt(2L)")]
    public void VarianceRatios_MatchTheRecursionThroughAHeReluResMlp(ResidualScaling scaling, string option)
    {
        // Dense–ReLU–Dense with He weights has branch gain g² = 2 (see SignalPropagation); both computations must agree.
        const int depth = 6;
        var closed = ResidualTheory.VarianceRatios(depth, 2, scaling);
        var blocks = SignalPropagation.Analyze(ModelSpec.Parse($"resmlp:16x{depth}:relu:init=he_normal{option}")).TopLevel.ToList();
        for (int l = 1; l <= depth; l++) Close(closed[l], blocks[l - 1].Output.Variance, 1e-12);
    }

    [Fact]
    public void VarianceRatios_ApproachTheirLimits()
    {
        const int depth = 100_000;
        Close(Math.E * Math.E, ResidualTheory.VarianceRatios(depth, 2, ResidualScaling.InverseSqrtDepth)[^1], 1e-4);
        Close(Math.E, ResidualTheory.VarianceRatios(depth, 2, ResidualScaling.InverseSqrtTwiceDepth)[^1], 1e-4);
        Assert.Equal(Math.Pow(3, 10), ResidualTheory.VarianceRatios(10, 2, ResidualScaling.None)[^1]);
        Assert.All(ResidualTheory.VarianceRatios(50, 2, ResidualScaling.Fixup), r => Assert.Equal(1, r));
        Assert.Equal(Math.Exp(2), ResidualTheory.LimitVarianceRatio(2, ResidualScaling.InverseSqrtDepth));
        Assert.True(double.IsPositiveInfinity(ResidualTheory.LimitVarianceRatio(2, ResidualScaling.None)));
    }

    [Fact]
    public void FixupWeightMultiplier_IsDepthToMinusOneOverTwoMMinusTwo()
    {
        Assert.Equal(1 / Math.Sqrt(16), ResidualTheory.FixupWeightMultiplier(16, 2));
        Close(Math.Pow(16, -0.25), ResidualTheory.FixupWeightMultiplier(16, 3), 1e-15);
        Assert.Throws<ArgumentOutOfRangeException>(() => ResidualTheory.FixupWeightMultiplier(16, 1));
    }

    [Fact]
    public void FullResidualVariances_ReluMatchesClosedFormAndTanhGrowsSubexponentially()
    {
        // ReLU, σ_w² = σ_v² = 2, no biases: q_{l+1} = q_l + α²·2·(2q_l)/2 = (1 + 2α²) q_l.
        var relu = ResidualTheory.FullResidualVariances(Activation.Relu, 8, 1, 2, 0, 2, 0, 0.5);
        for (int l = 0; l <= 8; l++) Close(Math.Pow(1.5, l), relu[l], 1e-13);

        // tanh: E[φ²] ≤ 1, so each block adds at most α²(σ_v² + σ_a²): growth at most linear (Yang & Schoenholz: polynomial, not exponential).
        var tanh = ResidualTheory.FullResidualVariances(Activation.Tanh, 200, 1, 1.5, 0.05, 1.5, 0.05, 1);
        for (int l = 1; l <= 200; l++)
        {
            double step = tanh[l] - tanh[l - 1];
            Assert.InRange(step, 0, 1.5 + 0.05);
        }
        Assert.True(tanh[200] > 100 && tanh[200] < 1 + 200 * 1.55);
    }

    [Fact]
    public void BadArguments_NameTheProblem()
    {
        Assert.Contains("must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => ResidualTheory.BranchScale(ResidualScaling.None, 0)).Message);
        Assert.Contains("branch gain", Assert.Throws<ArgumentOutOfRangeException>(() => ResidualTheory.VarianceRatios(3, -1, ResidualScaling.None)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ResidualTheory.FullResidualVariances(Activation.Tanh, 3, -1, 1, 0, 1, 0, 1));
    }
}
