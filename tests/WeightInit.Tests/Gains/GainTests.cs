using WeightInit.Gains;
using WeightInit.Numerics;

namespace WeightInit.Tests.Gains;

public class GainTests
{
    private static void AssertRelative(double expected, double actual, double tolerance, string what = "")
    {
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected),
            $"{what}: expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual / expected - 1):E2})");
    }

    [Theory]
    // torch.nn.init.calculate_gain; the irrational ones evaluated by CPython: math.sqrt(2.0), math.sqrt(2.0 / (1 + s**2)), 5.0 / 3.
    [InlineData("linear", 1.0)]
    [InlineData("conv1d", 1.0)]
    [InlineData("conv2d", 1.0)]
    [InlineData("conv3d", 1.0)]
    [InlineData("conv_transpose1d", 1.0)]
    [InlineData("conv_transpose2d", 1.0)]
    [InlineData("conv_transpose3d", 1.0)]
    [InlineData("sigmoid", 1.0)]
    [InlineData("tanh", 1.6666666666666667)]
    [InlineData("relu", 1.4142135623730951)]
    [InlineData("leaky_relu", 1.4141428569978354)]      // param None ⇒ slope 0.01
    [InlineData("leaky_relu:0.2", 1.3867504905630728)]
    [InlineData("leaky_relu:0", 1.4142135623730951)]    // kaiming_*_'s own default a = 0
    [InlineData("selu", 0.75)]
    public void PyTorch_Table_ExactValues(string activation, double expected)
    {
        Assert.Equal(expected, Gain.PyTorch(Activation.Parse(activation)));
    }

    [Fact]
    public void PyTorch_DefaultLinearLayerGain_IsOneOverSqrt3()
    {
        // nn.Linear / nn.Conv reset_parameters: kaiming_uniform_(a=√5) ⇒ gain √(2/(1+5)) = √(1/3).
        AssertRelative(Math.Sqrt(1.0 / 3), Gain.PyTorch(Activation.LeakyRelu(Math.Sqrt(5))), 2e-16);
    }

    [Theory]
    [InlineData("gelu")]
    [InlineData("prelu")]
    [InlineData("silu")]
    [InlineData("elu")]
    public void PyTorch_Unsupported_ListsSupportedNames(string activation)
    {
        var e = Assert.Throws<ArgumentException>(() => Gain.PyTorch(Activation.Parse(activation)));
        Assert.Contains("linear, conv1d", e.Message);
        Assert.Contains("selu", e.Message);
        Assert.Contains(Activation.Parse(activation).ToString(), e.Message);
    }

    [Fact]
    public void PyTorch_UserFunction_Rejected()
    {
        Assert.Throws<ArgumentException>(() => Gain.PyTorch(new Activation("my_relu", x => Math.Max(x, 0))));
    }

    // Closed forms of the positively homogeneous activations against the quadrature itself.
    [Theory]
    [InlineData("linear", 0.5)]
    [InlineData("relu", 0.5)]
    [InlineData("relu", 1.0)]
    [InlineData("relu", 2.0)]
    [InlineData("leaky_relu", 1.0)]
    [InlineData("leaky_relu:0.2", 0.5)]
    [InlineData("leaky_relu:0.2", 2.0)]
    [InlineData("prelu", 1.0)]
    [InlineData("prelu:-0.5", 3.0)]
    [InlineData("conv2d", 2.0)]
    public void ClosedForms_AgreeWithQuadrature(string name, double q)
    {
        var a = Activation.Parse(name);
        double[] kinks = [.. a.Breakpoints];
        var f = a.Function;
        var d = a.Derivative!;
        double mean = GaussianExpectation.Evaluate(f, 0, q, kinks);
        double second = GaussianExpectation.Evaluate(x => f(x) * f(x), 0, q, kinks);
        double variance = GaussianExpectation.Evaluate(x => (f(x) - mean) * (f(x) - mean), 0, q, kinks);
        double backward = GaussianExpectation.Evaluate(x => d(x) * d(x), 0, q, kinks);
        if (name is "linear" or "conv2d")
            Assert.True(Math.Abs(ActivationMoments.Mean(a, q) - mean) < 1e-15, "linear mean");
        else
            AssertRelative(mean, ActivationMoments.Mean(a, q), 1e-13, "E[φ]");
        AssertRelative(second, ActivationMoments.SecondMoment(a, q), 1e-13, "E[φ²]");
        AssertRelative(variance, ActivationMoments.Variance(a, q), 1e-13, "Var φ");
        AssertRelative(backward, ActivationMoments.DerivativeSecondMoment(a, q), 1e-13, "E[φ′²]");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2)]
    [InlineData(0.01)]
    public void SecondMoment_LeakyReluAtUnitVariance_EqualsPyTorchFormula(double slope)
    {
        var a = Activation.LeakyRelu(slope);
        AssertRelative(Math.Sqrt(2 / (1 + slope * slope)), Gain.SecondMoment(a), 2e-16, "closed form");
        AssertRelative(Gain.PyTorch(a), Gain.SecondMoment(a), 2e-16, "PyTorch");
        // And √q·gain is the same at every q (positive homogeneity).
        AssertRelative(Gain.SecondMoment(a), Math.Sqrt(3.7) * Gain.SecondMoment(a, 3.7), 1e-15, "homogeneity");
    }

    [Theory]
    // ELU(α) at any q, from E[e^(kz); z<0] = e^(k²q/2)Φ(−k√q):
    //   E[φ] = √(q/2π) + α(e^(q/2)Φ(−√q) − ½)
    //   E[φ²] = q/2 + α²(e^(2q)Φ(−2√q) − 2e^(q/2)Φ(−√q) + ½)
    //   E[φ′²] = ½ + α²e^(2q)Φ(−2√q).  SELU = λ·ELU(α_SELU).
    [InlineData("elu", 1.0, 1.0, 0.5)]
    [InlineData("elu", 1.0, 1.0, 1.0)]
    [InlineData("elu", 1.0, 1.0, 2.0)]
    [InlineData("elu:0.3", 0.3, 1.0, 1.5)]
    [InlineData("selu", 1.6732632423543772848170429916717, 1.0507009873554804934193349852946, 0.5)]
    [InlineData("selu", 1.6732632423543772848170429916717, 1.0507009873554804934193349852946, 1.0)]
    [InlineData("selu", 1.6732632423543772848170429916717, 1.0507009873554804934193349852946, 2.0)]
    public void Moments_EluFamily_MatchClosedForms(string name, double alpha, double lambda, double q)
    {
        var a = Activation.Parse(name);
        double s = Math.Sqrt(q);
        double e1 = Math.Exp(q / 2) * SpecialFunctions.NormalCdf(-s);
        double e2 = Math.Exp(2 * q) * SpecialFunctions.NormalCdf(-2 * s);
        double mean = lambda * (Math.Sqrt(q / (2 * Math.PI)) + alpha * (e1 - 0.5));
        double second = lambda * lambda * (q / 2 + alpha * alpha * (e2 - 2 * e1 + 0.5));
        double backward = lambda * lambda * (0.5 + alpha * alpha * e2);
        double tolerance = name == "selu" && q == 1.0 ? 0 : 1e-13;
        if (tolerance == 0)
        {
            // SELU's α and λ are defined as the fixed point mean 0, second moment 1 at q = 1 (Klambauer et al. 2017).
            Assert.True(Math.Abs(ActivationMoments.Mean(a, q)) < 1e-15, $"SELU mean {ActivationMoments.Mean(a, q):R}");
            AssertRelative(1.0, ActivationMoments.SecondMoment(a, q), 1e-14, "SELU E[φ²]");
            AssertRelative(1.0, Gain.SecondMoment(a, q), 1e-14, "SELU gain");
        }
        else
        {
            AssertRelative(mean, ActivationMoments.Mean(a, q), 1e-12, "E[φ]");
        }
        AssertRelative(second, ActivationMoments.SecondMoment(a, q), 1e-13, "E[φ²]");
        AssertRelative(second - mean * mean, ActivationMoments.Variance(a, q), 1e-12, "Var φ");
        AssertRelative(backward, ActivationMoments.DerivativeSecondMoment(a, q), 1e-13, "E[φ′²]");
    }

    [Theory]
    // Survey §3.11 (feature-survey.md), q = 1, printed to 5 decimals there (Simpson's rule, independent code):
    //          name               E[φ]     E[φ²]    Var φ    1/√E[φ²]  1/√Var   E[φ′²]
    [InlineData("linear",          0.0,     1.0,     1.0,     1.0,      1.0,     1.0)]
    [InlineData("relu",            0.39894, 0.50000, 0.34085, 1.41421,  1.71286, 0.5)]
    [InlineData("leaky_relu:0.01", 0.39495, 0.50005, 0.34406, 1.41414,  1.70483, 0.50004)]
    [InlineData("leaky_relu:0.2",  0.31915, 0.52000, 0.41814, 1.38675,  1.54646, 0.52)]
    [InlineData("tanh",            0.0,     0.39429, 0.39429, 1.59254,  1.59254, 0.46440)]
    [InlineData("sigmoid",         0.5,     0.29338, 0.04338, 1.84623,  4.80131, 0.04484)]
    [InlineData("selu",            0.0,     1.00000, 1.00000, 1.00000,  1.00000, 1.07157)]
    [InlineData("elu",             0.16052, 0.64495, 0.61918, 1.24520,  1.27084, 0.66810)]
    [InlineData("gelu",            0.28209, 0.42522, 0.34564, 1.53353,  1.70093, 0.45585)]
    [InlineData("gelu_tanh",       0.28204, 0.42519, 0.34565, 1.53358,  1.70092, 0.45582)]
    [InlineData("silu",            0.20662, 0.35578, 0.31308, 1.67653,  1.78719, 0.37948)]
    [InlineData("mish",            0.24040, 0.45234, 0.39455, 1.48685,  1.59203, 0.47908)]
    [InlineData("softplus",        0.80606, 0.92125, 0.27151, 1.04187,  1.91913, 0.29338)]
    public void Moments_UnitVariance_MatchSurveyTable(string name, double mean, double second, double variance, double secondMomentGain, double varianceGain, double derivativeSecond)
    {
        var a = Activation.Parse(name);
        // Half a unit in the 5th decimal. The survey's E[φ′²] column came from central differences (step 1e-5) across the kink,
        // which cost leaky_relu(0.01) one unit in the last place (0.50004 where (1 + s²)/2 = 0.50005), so that column gets 1e-5 more.
        const double rounding = 5e-6 + 1e-9;
        Assert.InRange(ActivationMoments.Mean(a), mean - rounding, mean + rounding);
        Assert.InRange(ActivationMoments.SecondMoment(a), second - rounding, second + rounding);
        Assert.InRange(ActivationMoments.Variance(a), variance - rounding, variance + rounding);
        Assert.InRange(Gain.SecondMoment(a), secondMomentGain - rounding, secondMomentGain + rounding);
        Assert.InRange(Gain.Variance(a), varianceGain - rounding, varianceGain + rounding);
        Assert.InRange(ActivationMoments.DerivativeSecondMoment(a), derivativeSecond - rounding - 1e-5, derivativeSecond + rounding + 1e-5);
    }

    [Fact]
    public void SecondMoment_Relu_IsSqrt2AtUnitVarianceAndScalesWithQ()
    {
        AssertRelative(Math.Sqrt(2), Gain.SecondMoment(Activation.Relu), 2e-16, "q = 1");
        AssertRelative(1.0, Gain.SecondMoment(Activation.Relu, 2.0), 2e-16, "q = 2: E[φ²] = 1");
        AssertRelative(2.0, Gain.SecondMoment(Activation.Relu, 0.5), 2e-16, "q = 1/2");
    }

    [Fact]
    public void Variance_Relu_ClosedForm()
    {
        // Var = q/2 − q/(2π).
        AssertRelative(1 / Math.Sqrt(0.5 - 1 / (2 * Math.PI)), Gain.Variance(Activation.Relu), 1e-15, "relu");
    }

    [Fact]
    public void SecondMoment_Tanh_MatchesHighPrecisionReference()
    {
        // mpmath 1.2.1, 40 digits: E[tanh(z)²] = 0.3942944903978411744164598 at q = 1.
        AssertRelative(1 / Math.Sqrt(0.3942944903978411744164598), Gain.SecondMoment(Activation.Tanh), 1e-14, "tanh");
        // E[tanh′(z)²] = E[sech⁴ z] = 0.4644029024482682419720215 (same source).
        AssertRelative(1 / Math.Sqrt(0.4644029024482682419720215), Gain.Backward(Activation.Tanh), 1e-14, "tanh backward");
    }

    [Fact]
    public void LinearRegime_Logistic_IsFourAsInGlorotBengio()
    {
        // σ′(0) = 1/4 ⇒ variance factor 1/16 per pass ⇒ gain 4.
        Assert.Equal(Gain.LogisticLinearRegime, Gain.LinearRegime(Activation.Sigmoid));
        Assert.Equal(4.0, 1 / Math.Sqrt(ActivationMoments.DerivativeSecondMoment(Activation.Sigmoid, 0)));
        // The backward gain tends to it as the pre-activation variance shrinks: σ′(z) = 1/4 − z²/16 + O(z⁴), so
        // E[σ′(z)²] = (1 − q/2)/16 + O(q²) and the gain is 4(1 + q/4) + O(q²).
        double q = 1e-6;
        AssertRelative(4 * (1 + q / 4), Gain.Backward(Activation.Sigmoid, q), 1e-11, "q → 0");
    }

    [Theory]
    [InlineData("tanh", 1.0)]
    [InlineData("gelu", 2.0)]          // Φ(0) = 1/2
    [InlineData("gelu_tanh", 2.0)]
    [InlineData("silu", 2.0)]          // σ(0) = 1/2
    [InlineData("softplus", 2.0)]      // σ(0)
    [InlineData("softplus:4", 2.0)]
    [InlineData("mish", 1.6666666666666667)] // tanh(ln 2) = 3/5
    [InlineData("lecun_tanh", 0.8741768168308176)] // 1/(1.7159·2/3), CPython
    [InlineData("linear", 1.0)]
    [InlineData("elu", 1.0)]           // α = 1: φ′(0⁻) = α·e⁰ = 1 = φ′(0⁺); only φ″ jumps
    [InlineData("elu:1", 1.0)]
    [InlineData("softsign", 1.0)]      // φ′(x) = 1/(1 + |x|)², 1 on both sides; only φ″ jumps (∓2)
    public void LinearRegime_SmoothActivations_OneOverSlopeAtZero(string name, double expected)
    {
        AssertRelative(expected, Gain.LinearRegime(Activation.Parse(name)), 4e-16, name);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("leaky_relu")]
    [InlineData("selu")]               // φ′(0⁻) = λα ≈ 1.758, φ′(0⁺) = λ ≈ 1.051
    [InlineData("elu:0.5")]            // φ′(0⁻) = α ≠ 1
    [InlineData("elu:2")]
    [InlineData("prelu")]
    public void LinearRegime_KinkAtZero_Throws(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Gain.LinearRegime(Activation.Parse(name)));
        Assert.Contains("kink at 0", e.Message);
    }

    [Fact]
    public void Gains_UndefinedOrBadInput_Throw()
    {
        Assert.Throws<InvalidOperationException>(() => Gain.Variance(Activation.Tanh, 0));            // Var φ(0) = 0
        Assert.Throws<InvalidOperationException>(() => Gain.SecondMoment(Activation.Relu, 0));        // E[relu(0)²] = 0
        Assert.Throws<ArgumentOutOfRangeException>(() => Gain.SecondMoment(Activation.Relu, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gain.Variance(Activation.Tanh, double.NaN));
        var noDerivative = new Activation("cube", x => x * x * x);
        Assert.Contains("no derivative", Assert.Throws<InvalidOperationException>(() => Gain.Backward(noDerivative)).Message);
        AssertRelative(1 / Math.Sqrt(15.0), Gain.SecondMoment(noDerivative), 1e-13, "E[z⁶] = 15");
    }

    [Fact]
    public void SecondMoment_UserFunctionWithKinks_UsesItsBreakpoints()
    {
        // relu6 at q = 1: E[min(relu, 6)²] = ½ − ∫₆^∞ (z² − 36)φ(z) dz = ½ − (Φ̄(6)(1 − 36) + 6φ(6)).
        var relu6 = new Activation("relu6", x => Math.Clamp(x, 0, 6), x => x > 0 && x < 6 ? 1 : 0, [0.0, 6.0]);
        double expected = 0.5 - (SpecialFunctions.NormalUpperTail(6) * (1 - 36) + 6 * SpecialFunctions.NormalPdf(6));
        AssertRelative(1 / Math.Sqrt(expected), Gain.SecondMoment(relu6), 1e-14, "relu6");
    }
}
