namespace WeightInit.Gains;

/// <summary>The activation functions and derivatives of the catalogue, written to keep full precision in their tails.</summary>
/// <remarks>These feed analysis numbers (moments and gains), never generated weights, so they use <see cref="Math"/>.</remarks>
internal static class ActivationFunctions
{
    /// <summary>SELU's α (Klambauer et al. 2017, "Self-Normalizing Neural Networks", eq. 14; PyTorch <c>nn.SELU</c>, Keras <c>selu</c>).</summary>
    public const double SeluAlpha = 1.6732632423543772848170429916717;

    /// <summary>SELU's λ (same source).</summary>
    public const double SeluLambda = 1.0507009873554804934193349852946;

    /// <summary>LeCun's scaled tanh amplitude: 1.7159·tanh(2x/3) (LeCun et al. 1998, "Efficient BackProp", §4.4), chosen so f(±1) = ±1.</summary>
    public const double LeCunTanhAmplitude = 1.7159;

    /// <summary>LeCun's scaled tanh input scale 2/3.</summary>
    public const double LeCunTanhSlope = 2.0 / 3.0;

    /// <summary>√(2/π), the slope of the tanh approximation of GELU (Hendrycks &amp; Gimpel 2016).</summary>
    public const double GeluTanhScale = 0.797884560802865355879892119868763737;

    /// <summary>The cubic coefficient 0.044715 of the tanh approximation of GELU (same source; PyTorch <c>approximate='tanh'</c>).</summary>
    public const double GeluTanhCubic = 0.044715;

    public static double Identity(double x) => x;
    public static double One(double x) => 1;

    public static double Relu(double x) => x > 0 ? x : 0;
    public static double ReluDerivative(double x) => x > 0 ? 1 : 0;

    public static double Leaky(double x, double slope) => x > 0 ? x : slope * x;
    public static double LeakyDerivative(double x, double slope) => x > 0 ? 1 : slope;

    /// <summary>1/(1+e^(−x)) without overflow, full relative precision in both tails.</summary>
    public static double Sigmoid(double x)
    {
        if (x >= 0)
            return 1 / (1 + Math.Exp(-x));
        double e = Math.Exp(x);
        return e / (1 + e);
    }

    /// <summary>σ(x)(1 − σ(x)) = e^(−|x|)/(1 + e^(−|x|))², no cancellation.</summary>
    public static double SigmoidDerivative(double x)
    {
        double e = Math.Exp(-Math.Abs(x));
        return e / ((1 + e) * (1 + e));
    }

    /// <summary>sech²(x) = 1 − tanh²(x) = 4e^(−2|x|)/(1 + e^(−2|x|))², no cancellation.</summary>
    public static double Sech2(double x)
    {
        double e = Math.Exp(-2 * Math.Abs(x));
        return 4 * e / ((1 + e) * (1 + e));
    }

    public static double LeCunTanh(double x) => LeCunTanhAmplitude * Math.Tanh(LeCunTanhSlope * x);
    public static double LeCunTanhDerivative(double x) => LeCunTanhAmplitude * LeCunTanhSlope * Sech2(LeCunTanhSlope * x);

    /// <summary>ln(1 + eˣ) = max(x, 0) + ln(1 + e^(−|x|)).</summary>
    public static double Softplus(double x) => Math.Max(x, 0) + Log1P(Math.Exp(-Math.Abs(x)));

    public static double SoftplusBeta(double x, double beta) => Softplus(beta * x) / beta;
    public static double SoftplusBetaDerivative(double x, double beta) => Sigmoid(beta * x);

    public static double Silu(double x) => x * Sigmoid(x);
    /// <summary>σ(x)·(1 + x·σ(−x)).</summary>
    public static double SiluDerivative(double x) => Sigmoid(x) * (1 + x * Sigmoid(-x));

    public static double Mish(double x) => x * Math.Tanh(Softplus(x));
    /// <summary>tanh(sp(x)) + x·sech²(sp(x))·σ(x), sp = softplus.</summary>
    public static double MishDerivative(double x)
    {
        double sp = Softplus(x);
        return Math.Tanh(sp) + x * Sech2(sp) * Sigmoid(x);
    }

    public static double Gelu(double x) => x * Numerics.SpecialFunctions.NormalCdf(x);
    public static double GeluDerivative(double x) => Numerics.SpecialFunctions.NormalCdf(x) + x * Numerics.SpecialFunctions.NormalPdf(x);

    /// <summary>½x(1 + tanh u) = x·σ(2u), u = √(2/π)(x + 0.044715x³); the σ form avoids 1 + tanh u cancelling for u ≪ 0.</summary>
    public static double GeluTanh(double x) => x * Sigmoid(2 * GeluTanhInner(x));
    public static double GeluTanhDerivative(double x)
    {
        double u = GeluTanhInner(x);
        return Sigmoid(2 * u) + 0.5 * x * Sech2(u) * GeluTanhScale * (1 + 3 * GeluTanhCubic * x * x);
    }
    private static double GeluTanhInner(double x) => GeluTanhScale * (x + GeluTanhCubic * x * x * x);

    public static double Elu(double x, double alpha) => x > 0 ? x : alpha * ExpM1(x);
    public static double EluDerivative(double x, double alpha) => x > 0 ? 1 : alpha * Math.Exp(x);

    public static double Selu(double x) => SeluLambda * Elu(x, SeluAlpha);
    public static double SeluDerivative(double x) => SeluLambda * EluDerivative(x, SeluAlpha);

    public static double Softsign(double x) => x / (1 + Math.Abs(x));
    public static double SoftsignDerivative(double x) => 1 / ((1 + Math.Abs(x)) * (1 + Math.Abs(x)));

    public static double Hardtanh(double x) => Math.Clamp(x, -1, 1);
    public static double HardtanhDerivative(double x) => Math.Abs(x) < 1 ? 1 : 0;

    /// <summary>ln(1 + x) to full precision for small x (Goldberg 1991, "What every computer scientist should know…", Thm 4);
    /// .NET's <c>double.LogP1</c> is computed as ln(x + 1) and loses it.</summary>
    public static double Log1P(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    /// <summary>eˣ − 1 to full precision for small x (Kahan's trick: (u − 1)·x/ln u with u = eˣ); used for x ≤ 0 only, where eˣ cannot overflow.</summary>
    public static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1)
            return x;
        double um1 = u - 1;
        if (um1 == -1)
            return -1;
        return um1 * x / Math.Log(u);
    }
}
