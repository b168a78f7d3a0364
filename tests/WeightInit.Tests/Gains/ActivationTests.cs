using WeightInit.Gains;

namespace WeightInit.Tests.Gains;

public class ActivationTests
{
    [Theory]
    [InlineData("relu", "relu")]
    [InlineData("ReLU", "relu")]
    [InlineData("linear", "linear")]
    [InlineData("identity", "linear")]
    [InlineData("leaky_relu", "leaky_relu:0.01")]
    [InlineData("LeakyReLU", "leaky_relu:0.01")]
    [InlineData("leaky-relu:0.2", "leaky_relu:0.2")]
    [InlineData("lrelu: 0.3", "leaky_relu:0.3")]
    [InlineData("prelu", "prelu:0.25")]
    [InlineData("PReLU:0.1", "prelu:0.1")]
    [InlineData("swish", "silu")]
    [InlineData("SiLU", "silu")]
    [InlineData("sigmoid", "sigmoid")]
    [InlineData("logistic", "sigmoid")]
    [InlineData("tanh", "tanh")]
    [InlineData("lecun_tanh", "lecun_tanh")]
    [InlineData("gelu", "gelu")]
    [InlineData("GELU_tanh", "gelu_tanh")]
    [InlineData("gelu_approximate", "gelu_tanh")]
    [InlineData("elu", "elu:1")]
    [InlineData("elu:0.5", "elu:0.5")]
    [InlineData("selu", "selu")]
    [InlineData("mish", "mish")]
    [InlineData("softplus", "softplus:1")]
    [InlineData("softplus:2", "softplus:2")]
    [InlineData("softsign", "softsign")]
    [InlineData("hardtanh", "hardtanh")]
    [InlineData("conv2d", "conv2d")]
    [InlineData("ConvTranspose3d", "conv_transpose3d")]
    [InlineData("leaky_relu:1e-3", "leaky_relu:0.001")]
    public void Parse_NameOrAlias_CanonicalText(string text, string canonical)
    {
        Assert.Equal(canonical, Activation.Parse(text).ToString());
    }

    [Fact]
    public void ToString_EveryBuiltIn_ParsesBackEqual()
    {
        foreach (string name in Activation.Names)
        {
            var a = Activation.Parse(name);
            Assert.Equal(name, a.Name);
            Assert.Equal(a, Activation.Parse(a.ToString()));
        }
        foreach (var a in new[] { Activation.LeakyRelu(0.1), Activation.LeakyRelu(1.0 / 3), Activation.PRelu(-0.7), Activation.Elu(1e-300), Activation.Softplus(12.5) })
        {
            var back = Activation.Parse(a.ToString());
            Assert.Equal(a, back);
            Assert.Equal(a.Parameter, back.Parameter); // bit-exact: the parameter is written in round-trip format
        }
    }

    [Fact]
    public void Equality_NameAndParameter()
    {
        Assert.Equal(Activation.LeakyRelu(0.2), Activation.Parse("leaky_relu:0.2"));
        Assert.Equal(Activation.LeakyRelu(0.2).GetHashCode(), Activation.Parse("leaky_relu:0.2").GetHashCode());
        Assert.NotEqual(Activation.LeakyRelu(0.2), Activation.LeakyRelu(0.3));
        Assert.NotEqual(Activation.LeakyRelu(0.2), Activation.PRelu(0.2));
        Assert.True(Activation.Relu == Activation.Parse("relu"));
        Assert.True(Activation.Relu != Activation.Linear);
    }

    [Theory]
    [InlineData("gelu2", "Unknown activation 'gelu2'")]
    [InlineData("", "Unknown activation")]
    [InlineData("relu:0.2", "takes no parameter")]
    [InlineData("leaky_relu:abc", "must be a number")]
    [InlineData("leaky_relu:NaN", "Invalid parameter")]
    [InlineData("softplus:-1", "positive")]
    [InlineData("softplus:0", "positive")]
    public void Parse_BadText_ThrowsNamingTheProblem(string text, string fragment)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Activation.Parse(text));
        Assert.Contains(fragment, e.Message);
        Assert.False(Activation.TryParse(text, out _));
    }

    [Fact]
    public void Parse_UnknownName_ListsValidNamesAndAliases()
    {
        var e = Assert.Throws<ArgumentException>(() => Activation.Parse("rleu"));
        foreach (string name in Activation.Names)
            Assert.Contains(name, e.Message);
        Assert.Contains("swish = silu", e.Message);
    }

    [Theory]
    // Values from the defining formulas, evaluated in CPython's math module (math.erf, math.tanh, math.exp).
    [InlineData("gelu", 1.0, 0.8413447460685429)]                 // Φ(1)
    [InlineData("gelu", -2.0, -0.04550026389635842)]              // −2Φ(−2)
    [InlineData("silu", 1.0, 0.7310585786300049)]                 // 1/(1+e⁻¹)
    [InlineData("sigmoid", -3.0, 0.04742587317756678)]
    [InlineData("lecun_tanh", 1.0, 0.9999972559224791)]           // 1.7159·tanh(2/3)
    [InlineData("selu", -1.0, -1.1113307378125625)]               // λα(e⁻¹ − 1)
    [InlineData("selu", 2.0, 2.101401974710961)]
    [InlineData("elu:0.5", -1.0, -0.31606027941427883)]
    [InlineData("softplus", 0.0, 0.6931471805599453)]             // ln 2
    [InlineData("softplus:2", 1.0, 1.0634640055214863)]           // ln(1+e²)/2
    [InlineData("mish", 1.0, 0.8650983882673103)]                 // tanh(ln(1+e))
    [InlineData("softsign", 3.0, 0.75)]
    [InlineData("hardtanh", -2.5, -1.0)]
    [InlineData("hardtanh", 0.25, 0.25)]
    [InlineData("leaky_relu:0.2", -2.0, -0.4)]
    [InlineData("relu", -2.0, 0.0)]
    [InlineData("gelu_tanh", 1.0, 0.8411919906082768)]
    public void Function_KnownValues(string activation, double x, double expected)
    {
        double actual = Activation.Parse(activation).Function(x);
        Assert.True(Math.Abs(actual - expected) <= 4e-16 * Math.Max(1, Math.Abs(expected)), $"{activation}({x}) = {actual:R}, expected {expected:R}");
    }

    [Fact]
    public void Derivative_EveryBuiltIn_MatchesCentralDifference()
    {
        // Fourth-order central difference with h = 1e-3: truncation error ~h⁴·f⁽⁵⁾/30, rounding ~1e-16/h.
        const double h = 1e-3;
        foreach (string name in Activation.Names.Concat(["leaky_relu:0.2", "elu:0.5", "softplus:3", "prelu:-0.5"]))
        {
            var a = Activation.Parse(name);
            foreach (double x in new[] { -7.3, -2.5, -1.2, -0.6, -0.05, 0.07, 0.4, 1.3, 2.2, 6.1 })
            {
                if (a.Breakpoints.Any(b => Math.Abs(b - x) < 3 * h))
                    continue;
                var f = a.Function;
                double numeric = (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h);
                double analytic = a.Derivative!(x);
                Assert.True(Math.Abs(numeric - analytic) < 1e-9 * Math.Max(1, Math.Abs(analytic)), $"{name}'({x}): analytic {analytic:R}, numeric {numeric:R}");
            }
        }
    }

    [Fact]
    public void Function_FarTails_FiniteAndAccurate()
    {
        Assert.Equal(Math.Exp(-800.0 / 2), Activation.Sigmoid.Function(-400), 1e-300);
        Assert.True(Activation.Sigmoid.Function(-400) > 0);
        Assert.Equal(1.0, Activation.Sigmoid.Function(800));
        Assert.Equal(800.0, Activation.Softplus().Function(800));
        double tail = Activation.Softplus().Function(-30);
        Assert.True(Math.Abs(tail / Math.Exp(-30) - 1) < 1e-12, $"softplus(−30) = {tail:R}"); // ln(1 + e⁻³⁰) ≈ e⁻³⁰
        Assert.True(Activation.GeluTanh.Function(-30) is < 0 and > -1e-300 or 0);
        Assert.Equal(-Activation.Elu().Parameter!.Value, Activation.Elu().Function(-800));
        double small = Activation.Elu().Function(-1e-12);
        Assert.True(Math.Abs(small / -9.999999999995e-13 - 1) < 1e-15, $"elu(−1e−12) = {small:R}"); // e^x − 1 = x + x²/2 + …: expm1 keeps it
    }

    [Fact]
    public void Constructor_UserFunction_UsedAsGiven()
    {
        var relu6 = new Activation("relu6", x => Math.Clamp(x, 0, 6), x => x > 0 && x < 6 ? 1 : 0, [0.0, 6.0]);
        Assert.Equal("relu6", relu6.ToString());
        Assert.False(relu6.IsBuiltIn);
        Assert.Equal(6.0, relu6.Function(9));
        Assert.Equal([0.0, 6.0], relu6.Breakpoints);
        Assert.Null(relu6.Parameter);
        Assert.Equal(relu6, relu6);
        Assert.NotEqual(relu6, new Activation("relu6", x => Math.Clamp(x, 0, 6)));
    }

    [Theory]
    [InlineData("relu", "built-in")]
    [InlineData("Swish", "built-in")]
    [InlineData("my:act", "':'")]
    public void Constructor_BadName_Throws(string name, string fragment)
    {
        var e = Assert.Throws<ArgumentException>(() => new Activation(name, x => x));
        Assert.Contains(fragment, e.Message);
    }
}
