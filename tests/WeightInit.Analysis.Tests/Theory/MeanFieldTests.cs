using System.Globalization;
using WeightInit.Analysis.Theory;
using WeightInit.Gains;
using WeightInit.Tests.Oracles;

namespace WeightInit.Analysis.Tests.Theory;

public class MeanFieldTests
{
    private static void Close(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData(1.0, 0.1)]
    [InlineData(1.5, 0.3)]
    [InlineData(0.5, 0.0)]
    public void FixedPoint_Relu_IsBiasOverOneMinusHalfWeightVariance(double weightVariance, double biasVariance)
    {
        // 𝒱(q) = σ_w² q/2 + σ_b² is linear for ReLU: q* = σ_b²/(1 − σ_w²/2), χ₁ = σ_w²/2 at every q.
        var field = new MeanField(Activation.Relu, weightVariance, biasVariance);
        if (biasVariance == 0) Assert.Equal(0, field.FixedPointLength);
        else Close(biasVariance / (1 - weightVariance / 2), field.FixedPointLength, 1e-13);
        Close(weightVariance / 2, field.Chi1, 1e-15);
        Close(-1 / Math.Log(weightVariance / 2), field.CorrelationDepthScale, 1e-14);
        Assert.Equal(1, field.FixedPointCorrelation);
    }

    [Fact]
    public void FixedPoint_TanhOrderedWithoutBias_IsZeroWithChi1EqualWeightVariance()
    {
        var field = new MeanField(Activation.Tanh, 0.8, 0);
        Assert.Equal(0, field.FixedPointLength);
        Close(0.8, field.Chi1, 1e-15);
        Assert.Equal(1, field.FixedPointCorrelation);
        Close(-1 / Math.Log(0.8), field.LengthDepthScale, 1e-15); // 𝒱′(0) = σ_w² φ′(0)² = χ₁
    }

    [Theory]
    [InlineData(-0.9)]
    [InlineData(-0.3)]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.99)]
    public void CorrelationMap_Relu_MatchesArcCosineKernel(double c)
    {
        // Cho & Saul's degree-1 arc-cosine kernel: E[relu(u₁)relu(u₂)] = q/(2π)·(√(1 − c²) + (π − arccos c)·c).
        const double sw = 1.6, sb = 0.2;
        var field = new MeanField(Activation.Relu, sw, sb);
        double q = field.FixedPointLength;
        double kernel = q / (2 * Math.PI) * (Math.Sqrt(1 - c * c) + (Math.PI - Math.Acos(c)) * c);
        Close((sw * kernel + sb) / q, field.CorrelationMap(c), 1e-12);
    }

    [Fact]
    public void CorrelationMap_AtOne_IsOne()
    {
        var field = new MeanField(Activation.Tanh, 2.5, 0.09);
        Close(1, field.CorrelationMap(1), 1e-13);
    }

    [Fact]
    public void CriticalWeightVariance_WithoutBias_IsInverseSquaredSlopeAtZero()
    {
        Close(1, MeanField.CriticalWeightVariance(Activation.Tanh, 0), 1e-12);
        Close(2, MeanField.CriticalWeightVariance(Activation.Relu, 0), 1e-15);
        Close(2 / (1 + 0.04), MeanField.CriticalWeightVariance(Activation.LeakyRelu(0.2), 0), 1e-15);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.3)]
    public void CriticalWeightVariance_Tanh_GivesChi1OneAndInvertsCriticalBiasVariance(double biasVariance)
    {
        double sw = MeanField.CriticalWeightVariance(Activation.Tanh, biasVariance);
        var field = new MeanField(Activation.Tanh, sw, biasVariance);
        Close(1, field.Chi1, 1e-10);
        Close(biasVariance, MeanField.CriticalBiasVariance(Activation.Tanh, sw), 1e-9);
        Assert.True(double.IsPositiveInfinity(field.CorrelationDepthScale) || field.CorrelationDepthScale > 1e8);
        Assert.True(field.LengthDepthScale is > 0 and < 100, $"ξ_q = {field.LengthDepthScale} should stay finite at criticality");
    }

    [Fact]
    public void CriticalPoint_HasTheRequestedFixedPoint()
    {
        var (sw, sb) = MeanField.CriticalPoint(Activation.Tanh, 0.25);
        var field = new MeanField(Activation.Tanh, sw, sb);
        Close(0.25, field.FixedPointLength, 1e-11);
        Close(1, field.Chi1, 1e-12);
    }

    [Fact]
    public void Critical_NoSolution_ThrowsWithReason()
    {
        Assert.Contains("no edge of chaos", Assert.Throws<ArgumentException>(() => MeanField.CriticalWeightVariance(Activation.Relu, 0.1)).Message);
        Assert.Contains("no σ_b² ≥ 0", Assert.Throws<ArgumentException>(() => MeanField.CriticalBiasVariance(Activation.Tanh, 0.5)).Message);
        Assert.Contains("grows without bound", Assert.Throws<InvalidOperationException>(() => new MeanField(Activation.Relu, 3, 0.1).FixedPointLength).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MeanField(Activation.Tanh, -1, 0));
    }

    [Fact]
    public void PhaseDiagram_SeparatesOrderedAndChaoticAtTheCriticalLine()
    {
        double[] sws = [1.0, 1.5, 2.0, 3.0], sbs = [0.0, 0.05];
        var diagram = MeanField.PhaseDiagram(Activation.Tanh, sws, sbs);
        double critical = MeanField.CriticalWeightVariance(Activation.Tanh, 0.05);
        for (int i = 0; i < sws.Length; i++)
        {
            Assert.Equal(new MeanField(Activation.Tanh, sws[i], 0.05).Chi1, diagram.Chi1[i, 1]);
            Assert.Equal(sws[i] > critical, diagram.Chi1[i, 1] > 1);
        }
        var relu = MeanField.PhaseDiagram(Activation.Relu, [1.0, 3.0], [0.1]);
        Close(0.5, relu.Chi1[0, 0], 1e-15);
        Assert.True(double.IsNaN(relu.Chi1[1, 0]) && double.IsNaN(relu.FixedPointLength[1, 0]));
    }

    [OracleFact(Oracle.Scipy)]
    public void Tanh_MatchesScipyQuadrature()
    {
        // Independent: scipy.integrate.quad on (−∞, ∞) and brentq; the 2-D expectations are nested quad at this code's c*,
        // checking that c* is a fixed point of scipy's correlation map and that χ_c agrees.
        (double Sw, double Sb)[] cases = [(1.5, 0.05), (4.0, 0.05)];
        var fields = cases.Select(c => new MeanField(Activation.Tanh, c.Sw, c.Sb)).ToArray();
        string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        string script = """
            import numpy as np
            from scipy import integrate, optimize
            phi = np.tanh
            dphi = lambda x: 0.0 if abs(x) > 300 else 1/np.cosh(x)**2
            pdf = lambda z: np.exp(-z*z/2)/np.sqrt(2*np.pi)
            def E(f, q):
                s = np.sqrt(q)
                return integrate.quad(lambda z: f(s*z)*pdf(z), -np.inf, np.inf, epsabs=1e-14, epsrel=1e-13, limit=200)[0]
            def E2(f, q, c):
                s = np.sqrt(q); r = np.sqrt(1-c*c)
                inner = lambda z1: integrate.quad(lambda z2: f(s*(c*z1+r*z2))*pdf(z2), -np.inf, np.inf, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
                return integrate.quad(lambda z1: f(s*z1)*inner(z1)*pdf(z1), -np.inf, np.inf, epsabs=1e-12, epsrel=1e-11, limit=200)[0]
            def qstar(sw, sb):
                return optimize.brentq(lambda q: sw*E(lambda u: phi(u)**2, q) + sb - q, 1e-12, 100, xtol=1e-15, rtol=1e-15)
            def crit(sb):
                g = lambda q: q - E(lambda u: phi(u)**2, q)/E(lambda u: dphi(u)**2, q) - sb
                q = optimize.brentq(g, 1e-9, 50, xtol=1e-15, rtol=1e-15)
                return 1/E(lambda u: dphi(u)**2, q)
            """ + "\n" + string.Join("\n", cases.Select((c, i) =>
            $"sw, sb, c = {F(c.Sw)}, {F(c.Sb)}, {F(fields[i].FixedPointCorrelation)}\n" +
            "q = qstar(sw, sb)\n" +
            "print(repr(q), repr(sw*E(lambda u: dphi(u)**2, q)), repr(sw/q*E(lambda u: u*phi(u)*dphi(u), q)), repr((sw*E2(phi, q, c)+sb)/q if c < 1 else 1.0), repr(sw*E2(dphi, q, c) if c < 1 else 0.0))"))
            + "\nprint(repr(crit(0.05)))\n";
        var lines = Python.Run(script).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < cases.Length; i++)
        {
            var v = lines[i].Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var field = fields[i];
            Close(v[0], field.FixedPointLength, 1e-11);
            Close(v[1], field.Chi1, 1e-11);
            Close(v[2], Math.Exp(-1 / field.LengthDepthScale), 1e-10);
            if (field.FixedPointCorrelation < 1)
            {
                Assert.True(Math.Abs(v[3] - field.FixedPointCorrelation) < 1e-9, $"scipy's 𝒞(c*) = {v[3]:R} but c* = {field.FixedPointCorrelation:R}");
                Close(v[4], field.ChiC, 1e-9);
            }
        }
        Assert.True(fields[0].Chi1 < 1 && fields[1].Chi1 > 1 && fields[1].FixedPointCorrelation < 1);
        // Schoenholz et al. use σ_b² = 0.05 in their trainability experiments; the edge of chaos there is σ_w² ≈ 1.76.
        double critical = double.Parse(lines[^1], CultureInfo.InvariantCulture);
        Close(critical, MeanField.CriticalWeightVariance(Activation.Tanh, 0.05), 1e-10);
        Assert.Equal(1.76, Math.Round(critical, 2));
    }
    public static TheoryData<string, double, double> GridCases()
    {
        var data = new TheoryData<string, double, double>();
        // tanh over the range the report uses and beyond (q* ≤ σ_w² + σ_b²); the other smooth activations at q = 4, where their
        // curvature is largest relative to the grid. Each case costs the nested reference about a second.
        foreach (double q in new[] { 0.05, 1.0, 4.0, 16.0 })
            foreach (double c in new[] { -0.9, 0.9999 })
                data.Add("tanh", q, c);
        foreach (string activation in new[] { "sigmoid", "gelu", "silu", "softplus" })
            foreach (double c in new[] { 0.3, 0.9999 })
                data.Add(activation, 4.0, c);
        return data;
    }

    [Theory]
    [MemberData(nameof(GridCases))]
    public void PairExpectationGrid_AgreesWithTheNestedAdaptiveQuadrature(string name, double q, double c)
    {
        // The fast tensor grid against the slow nested adaptive integrator (each to ~1e-13), for φ and φ′.
        var phi = Activation.Parse(name);
        foreach (var g in new[] { phi.Function, phi.Derivative! })
        {
            double slow = MeanField.PairExpectationNested(g, q, c, []);
            double fast = MeanField.PairExpectationGrid(g, q, c);
            Assert.True(Math.Abs(fast - slow) <= 1e-11 * Math.Max(1, Math.Abs(slow)), $"{name} q={q} c={c}: grid {fast:R}, nested {slow:R}");
        }
    }

    [OracleFact(Oracle.Scipy)]
    public void PairExpectationGrid_Tanh_MatchesScipyDblquad()
    {
        // Independent: scipy.integrate.dblquad of tanh(u₁)tanh(u₂)·density over z₁, z₂ at points beyond a single Gauss–Hermite rule's reach.
        (double Q, double C)[] points = [(2.0, 0.5), (9.0, 0.95), (0.5, -0.7)];
        string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        string script = """
            import numpy as np
            from scipy import integrate
            def pair(q, c):
                s, r = np.sqrt(q), np.sqrt(1 - c*c)
                f = lambda z2, z1: np.tanh(s*z1)*np.tanh(s*(c*z1 + r*z2))*np.exp(-(z1*z1 + z2*z2)/2)/(2*np.pi)
                return integrate.dblquad(f, -10, 10, -10, 10, epsabs=1e-13, epsrel=1e-12)[0]
            """ + "\n" + string.Join("\n", points.Select(p => $"print(repr(pair({F(p.Q)}, {F(p.C)})))")) + "\n";
        var lines = Python.Run(script).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < points.Length; i++)
        {
            double expected = double.Parse(lines[i], CultureInfo.InvariantCulture);
            double actual = MeanField.PairExpectationGrid(Math.Tanh, points[i].Q, points[i].C);
            Assert.True(Math.Abs(actual - expected) <= 1e-10, $"q={points[i].Q} c={points[i].C}: grid {actual:R}, scipy {expected:R}");
        }
    }
}
