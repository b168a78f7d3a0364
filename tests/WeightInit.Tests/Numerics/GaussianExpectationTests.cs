using WeightInit.Numerics;

namespace WeightInit.Tests.Numerics;

public class GaussianExpectationTests
{
    private const double Tolerance = 1e-13;

    private static void AssertRelative(double expected, double actual, double tolerance = Tolerance, string what = "")
    {
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected),
            $"{what}: expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual / expected - 1):E2})");
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.0, 0.5)]
    [InlineData(0.0, 2.0)]
    [InlineData(1.5, 0.3)]
    [InlineData(-4.0, 9.0)]
    [InlineData(0.0, 1e-6)]
    [InlineData(3.0, 1e4)]
    public void Evaluate_Polynomials_ClosedFormMoments(double mean, double variance)
    {
        double m = mean, q = variance;
        AssertRelative(1, GaussianExpectation.Evaluate(_ => 1, m, q), what: "E[1]");
        if (m != 0)
            AssertRelative(m, GaussianExpectation.Evaluate(x => x, m, q), what: "E[X]");
        AssertRelative(m * m + q, GaussianExpectation.Evaluate(x => x * x, m, q), what: "E[X²]");
        AssertRelative(q, GaussianExpectation.Evaluate(x => (x - m) * (x - m), m, q), what: "Var X");
        AssertRelative(3 * q * q, GaussianExpectation.Evaluate(x => Math.Pow(x - m, 4), m, q), what: "E[(X−m)⁴]");
        AssertRelative(m * m * m * m + 6 * m * m * q + 3 * q * q, GaussianExpectation.Evaluate(x => x * x * x * x, m, q), what: "E[X⁴]");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(7.25)]
    public void Evaluate_ReluWithKinkAtZero_ClosedForms(double q)
    {
        static double Relu(double x) => Math.Max(x, 0);
        AssertRelative(q / 2, GaussianExpectation.Evaluate(x => Relu(x) * Relu(x), 0, q, [0.0]), what: "E[relu²] = q/2");
        AssertRelative(Math.Sqrt(q / (2 * Math.PI)), GaussianExpectation.Evaluate(Relu, 0, q, [0.0]), what: "E[relu] = √(q/2π)");
        const double slope = 0.2;
        AssertRelative((1 + slope * slope) * q / 2, GaussianExpectation.Evaluate(x => x > 0 ? x * x : slope * slope * x * x, 0, q, [0.0]), what: "E[leaky²]");
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.3, 0.5)]
    [InlineData(-1.2, 2.0)]
    public void Evaluate_AbsoluteValueWithNamedKink_FoldedNormalMean(double mean, double variance)
    {
        // E|X| = σ√(2/π)·e^(−μ²/2σ²) + μ(1 − 2Φ(−μ/σ)).
        double sigma = Math.Sqrt(variance);
        double expected = sigma * Math.Sqrt(2 / Math.PI) * Math.Exp(-mean * mean / (2 * variance))
                          + mean * (1 - 2 * SpecialFunctions.NormalCdf(-mean / sigma));
        AssertRelative(expected, GaussianExpectation.Evaluate(Math.Abs, mean, variance, [0.0]), what: "E|X|");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Evaluate_HardtanhSquaredWithKinksAtPlusMinusOne_ClosedForm(double q)
    {
        // E[min(X², 1)] = q·(2Φ(a) − 1 − 2aφ(a)) + 2Φ(−a), a = 1/σ.
        double a = 1 / Math.Sqrt(q);
        double expected = q * (2 * SpecialFunctions.NormalCdf(a) - 1 - 2 * a * SpecialFunctions.NormalPdf(a)) + 2 * SpecialFunctions.NormalCdf(-a);
        double actual = GaussianExpectation.Evaluate(x => Math.Min(x * x, 1), 0, q, [-1.0, 1.0]);
        AssertRelative(expected, actual, what: "E[hardtanh²]");
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 2.0)]
    [InlineData(-2.0, 0.25)]
    public void Evaluate_SmoothTranscendental_ClosedForms(double mean, double variance)
    {
        AssertRelative(Math.Exp(mean + variance / 2), GaussianExpectation.Evaluate(Math.Exp, mean, variance), what: "E[e^X]");
        AssertRelative(Math.Exp(-variance / 2) * Math.Cos(mean), GaussianExpectation.Evaluate(Math.Cos, mean, variance), what: "E[cos X]");
        // E[Φ(X)] = Φ(μ/√(1+σ²)).
        AssertRelative(SpecialFunctions.NormalCdf(mean / Math.Sqrt(1 + variance)), GaussianExpectation.Evaluate(SpecialFunctions.NormalCdf, mean, variance), what: "E[Φ(X)]");
    }

    [Theory]
    // References: mpmath 1.2.1 quad at 40 digits over (−∞, 0, ∞) of f(√q·z)·npdf(z), independent of this code.
    [InlineData("tanh'²", 1.0, 0.4644029024482682419720215)]
    [InlineData("tanh'²", 2.0, 0.3495082977466028137866902)]
    [InlineData("tanh²", 1.0, 0.3942944903978411744164598)]
    [InlineData("sigmoid²", 1.0, 0.2933790358580929627376492)]
    public void Evaluate_SmoothActivationMoments_MatchHighPrecisionReference(string what, double q, double expected)
    {
        Func<double, double> f = what switch
        {
            "tanh'²" => x => Math.Pow(1 - Math.Tanh(x) * Math.Tanh(x), 2),
            "tanh²" => x => Math.Tanh(x) * Math.Tanh(x),
            "sigmoid²" => x => Math.Pow(1 / (1 + Math.Exp(-x)), 2),
            _ => throw new ArgumentException(what),
        };
        AssertRelative(expected, GaussianExpectation.Evaluate(f, 0, q), 1e-14, what);
    }

    [Fact]
    public void Evaluate_ZeroVariance_ReturnsFAtTheMean()
    {
        Assert.Equal(Math.Tanh(0.7), GaussianExpectation.Evaluate(Math.Tanh, 0.7, 0));
        Assert.Equal(0.25, GaussianExpectation.Evaluate(x => x * x, -0.5, 0, [0.0]));
    }

    [Fact]
    public void Evaluate_UnnamedKinkOffTheGrid_DoesNotConvergeAndSaysSo()
    {
        // |x − 0.3| has a kink no panel edge ever hits (edges are dyadic), so refinement converges only like h².
        var e = Assert.Throws<InvalidOperationException>(() => GaussianExpectation.Evaluate(x => Math.Abs(x - 0.3), 0, 1));
        Assert.Contains("breakpoints", e.Message);
        // Naming it fixes it: E|Z − c| = 2φ(c) + c(2Φ(c) − 1).
        double c = 0.3;
        double expected = 2 * SpecialFunctions.NormalPdf(c) + c * (2 * SpecialFunctions.NormalCdf(c) - 1);
        AssertRelative(expected, GaussianExpectation.Evaluate(x => Math.Abs(x - 0.3), 0, 1, [0.3]));
    }

    [Fact]
    public void Evaluate_BreakpointsOutsideWindowOrRepeated_Ignored()
    {
        double q = 1.0;
        double reference = GaussianExpectation.Evaluate(x => Math.Max(x, 0) * Math.Max(x, 0), 0, q, [0.0]);
        Assert.Equal(reference, GaussianExpectation.Evaluate(x => Math.Max(x, 0) * Math.Max(x, 0), 0, q, [0.0, 0.0, 100.0, -50.0]));
    }

    [Fact]
    public void Evaluate_BadArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => GaussianExpectation.Evaluate(null!, 0, 1));
        Assert.Contains("non-negative", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianExpectation.Evaluate(x => x, 0, -1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianExpectation.Evaluate(x => x, 0, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianExpectation.Evaluate(x => x, double.PositiveInfinity, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianExpectation.Evaluate(x => x, 0, 1, [double.NaN]));
        Assert.Contains("finite values", Assert.Throws<InvalidOperationException>(() => GaussianExpectation.Evaluate(x => 1 / x, 0, 0)).Message);
    }

    [Fact]
    public void GaussLegendre20_Constants_AreTheRootsAndWeightsOfP20()
    {
        // Recompute each node by Newton's method on the three-term recurrence, starting from the given value.
        for (int i = 0; i < GaussLegendre20.Nodes.Length; i++)
        {
            double x = GaussLegendre20.Nodes[i];
            var (p, dp) = Legendre20(x);
            Assert.True(Math.Abs(p / dp) < 2e-16, $"node {i}: Newton step {p / dp:E2}");
            double weight = 2 / ((1 - x * x) * dp * dp);
            Assert.True(Math.Abs(weight - GaussLegendre20.Weights[i]) < 4e-16, $"weight {i}: {weight:R} vs {GaussLegendre20.Weights[i]:R}");
        }
        // Distinct, in (0, 1), descending.
        for (int i = 0; i + 1 < GaussLegendre20.Nodes.Length; i++)
            Assert.True(GaussLegendre20.Nodes[i] > GaussLegendre20.Nodes[i + 1] && GaussLegendre20.Nodes[i + 1] > 0);
        // Exact for every monomial up to degree 39: ∫₋₁¹ x^k dx = 2/(k+1) for even k.
        for (int k = 0; k <= 38; k += 2)
        {
            double sum = 0;
            for (int i = 0; i < GaussLegendre20.Nodes.Length; i++)
                sum += 2 * GaussLegendre20.Weights[i] * Math.Pow(GaussLegendre20.Nodes[i], k);
            AssertRelative(2.0 / (k + 1), sum, 2e-15, $"x^{k}");
        }
    }

    private static (double P, double Derivative) Legendre20(double x)
    {
        double p0 = 1, p1 = x;
        for (int k = 2; k <= 20; k++)
            (p0, p1) = (p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k);
        return (p1, 20 * (x * p1 - p0) / (x * x - 1));
    }
}
