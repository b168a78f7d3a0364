namespace WeightInit.Numerics;

/// <summary>The error function and the standard normal law: density, distribution, upper tail and quantile, in double precision, the same bits on every machine.</summary>
/// <remarks>
/// erf and erfc: W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631–638,
/// as in his SPECFUN routine CALERF (relative error below 1e-16 in IEEE double), with <see cref="DeterministicMath.Exp"/>.
/// Quantile: M. J. Wichura, "Algorithm AS 241: The percentage points of the normal distribution",
/// Applied Statistics 37 (1988) 477–484 (PPND16, relative accuracy about 1e-16), with <see cref="DeterministicMath.Log"/>.
/// </remarks>
public static class SpecialFunctions
{
    /// <summary>1/√(2π).</summary>
    public const double InvSqrt2Pi = 0.398942280401432677939946059934;
    /// <summary>1/√π.</summary>
    public const double InvSqrtPi = 0.564189583547756286948079451561;
    /// <summary>1/√2.</summary>
    public const double InvSqrt2 = 0.707106781186547524400844362105;

    // Cody (1969), erf on |x| ≤ 0.46875.
    private static readonly double[] A = [3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03, 1.85777706184603153e-1];
    private static readonly double[] B = [2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03];
    // erfc on 0.46875 < |x| ≤ 4.
    private static readonly double[] C = [5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
        8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8];
    private static readonly double[] D = [1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
        3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03];
    // erfc on |x| > 4.
    private static readonly double[] P = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
        6.58749161529837803e-4, 1.63153871373020978e-2];
    private static readonly double[] Q = [2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
        2.33520497626869185e-3];

    /// <summary>Largest argument for which erfc is not zero in double precision (Cody's XBIG).</summary>
    private const double ErfcZeroAbove = 26.543;

    /// <summary>erf(x) = (2/√π) ∫₀ˣ e^(−t²) dt.</summary>
    public static double Erf(double x)
    {
        double y = Math.Abs(x);
        if (y <= 0.46875) return x * SmallErfRatio(y);
        double r = 0.5 - ErfcPositive(y) + 0.5;
        return x < 0 ? -r : r;
    }

    /// <summary>erfc(x) = 1 − erf(x), accurate to full relative precision in the upper tail.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        double y = Math.Abs(x);
        if (y <= 0.46875) return 1.0 - x * SmallErfRatio(y);
        double r = ErfcPositive(y);
        return x < 0 ? 2.0 - r : r;
    }

    /// <summary>The standard normal density φ(x) = e^(−x²/2)/√(2π).</summary>
    public static double NormalPdf(double x) => InvSqrt2Pi * DeterministicMath.Exp(-0.5 * x * x);

    /// <summary>The standard normal distribution function Φ(x) = P(Z ≤ x).</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x * InvSqrt2);

    /// <summary>The standard normal upper tail Φ(−x) = P(Z &gt; x), accurate for large x (no cancellation).</summary>
    public static double NormalUpperTail(double x) => 0.5 * Erfc(x * InvSqrt2);

    /// <summary>The standard normal quantile Φ⁻¹(p) for 0 &lt; p &lt; 1; −∞ at 0, +∞ at 1, NaN outside [0, 1].</summary>
    /// <remarks>Wichura's AS 241 (PPND16). For p near 1, pass the upper-tail probability to <see cref="NormalUpperQuantile"/> instead, which keeps full precision.</remarks>
    public static double NormalQuantile(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1) return double.NaN;
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        double q = p - 0.5;
        if (Math.Abs(q) <= As241.Split1) return q * As241.Central(As241.Const1 - q * q);
        double r = q < 0 ? p : 1.0 - p;
        double z = As241.Tail(Math.Sqrt(-DeterministicMath.Log(r)));
        return q < 0 ? -z : z;
    }

    /// <summary>The x with P(Z &gt; x) = <paramref name="tail"/>, i.e. −Φ⁻¹(tail), with full relative precision for tiny tails.</summary>
    public static double NormalUpperQuantile(double tail) => -NormalQuantile(tail);

    private static double SmallErfRatio(double y)
    {
        double ysq = y > 1.11e-16 ? y * y : 0.0;
        double num = A[4] * ysq, den = ysq;
        for (int i = 0; i < 3; i++)
        {
            num = (num + A[i]) * ysq;
            den = (den + B[i]) * ysq;
        }
        return (num + A[3]) / (den + B[3]);
    }

    /// <summary>The scaled complementary error function erfcx(x) = e^(x²)·erfc(x), with full relative precision for large x (≈ 1/(x√π)).</summary>
    /// <remarks>Cody's CALERF with its third form (jint = 2): the same rational functions as <see cref="Erfc"/> without the factor
    /// e^(−x²), and 1/(x√π) from x = 6.71·10⁷ (Cody's XHUGE) on. For x &lt; 0 it is 2e^(x²) − erfcx(−x), +∞ below −26.6.</remarks>
    public static double Erfcx(double x)
    {
        if (double.IsNaN(x)) return x;
        double y = Math.Abs(x);
        double r = y <= 0.46875 ? DeterministicMath.Exp(y * y) * (1.0 - y * SmallErfRatio(y)) : ScaledErfcPositive(y);
        if (x >= 0) return r;
        double e = DeterministicMath.Exp(y * y);
        return double.IsInfinity(e) ? e : 2.0 * e - r;
    }

    /// <summary>Mills' ratio R(x) = P(Z &gt; x)/φ(x) = √(π/2)·erfcx(x/√2), accurate to full relative precision for every x ≥ 0 (≈ 1/x far out).</summary>
    public static double NormalMillsRatio(double x) => SqrtHalfPi * Erfcx(x * InvSqrt2);

    /// <summary>√(π/2).</summary>
    private const double SqrtHalfPi = 1.25331413731550025120788264241;

    /// <summary>Cody's XHUGE: from here on erfcx(y) = 1/(y√π) to double precision (and 1/y² would lose range).</summary>
    private const double ErfcxAsymptoticAbove = 6.71e7;

    // erfc(y) for y > 0.46875.
    private static double ErfcPositive(double y)
    {
        if (y > 4.0 && y >= ErfcZeroAbove) return 0.0;
        double result = ScaledErfcPositive(y);
        // e^(−y²) computed as e^(−s²)·e^(−(y−s)(y+s)) with s = y rounded down to 1/16, which avoids the error of squaring y.
        double s = Math.Truncate(y * 16.0) / 16.0;
        double del = (y - s) * (y + s);
        return DeterministicMath.Exp(-s * s) * DeterministicMath.Exp(-del) * result;
    }

    // e^(y²)·erfc(y) for y > 0.46875 (Cody's rational functions before the factor e^(−y²)).
    private static double ScaledErfcPositive(double y)
    {
        if (y <= 4.0)
        {
            double num = C[8] * y, den = y;
            for (int i = 0; i < 7; i++)
            {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            return (num + C[7]) / (den + D[7]);
        }
        if (y >= ErfcxAsymptoticAbove) return InvSqrtPi / y;
        double ysq = 1.0 / (y * y);
        double pNum = P[5] * ysq, qDen = ysq;
        for (int i = 0; i < 4; i++)
        {
            pNum = (pNum + P[i]) * ysq;
            qDen = (qDen + Q[i]) * ysq;
        }
        double result = ysq * (pNum + P[4]) / (qDen + Q[4]);
        return (InvSqrtPi - result) / y;
    }

    /// <summary>The coefficients of AS 241 (PPND16), shared by the scalar quantile and the vector kernels.</summary>
    internal static class As241
    {
        public const double Split1 = 0.425;
        public const double Split2 = 5.0;
        public const double Const1 = 0.180625;
        public const double Const2 = 1.6;

        public static readonly double[] A = [3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3, 1.3731693765509461125e4,
            4.5921953931549871457e4, 6.7265770927008700853e4, 3.3430575583588128105e4, 2.5090809287301226727e3];
        public static readonly double[] B = [1.0, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
            2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4, 5.2264952788528545610e3];
        public static readonly double[] C = [1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0, 3.64784832476320460504e0,
            1.27045825245236838258e0, 2.41780725177450611770e-1, 2.27238449892691845833e-2, 7.74545014278341407640e-4];
        public static readonly double[] D = [1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
            1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4, 1.05075007164441684324e-9];
        public static readonly double[] E = [6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0, 2.96560571828504891230e-1,
            2.65321895265761230930e-2, 1.24266094738807843860e-3, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
        public static readonly double[] F = [1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
            7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7, 2.04426310338993978564e-15];

        /// <summary>The central rational function of r = 0.180625 − q² (|q| ≤ 0.425).</summary>
        public static double Central(double r) => Horner(A, r) / Horner(B, r);

        /// <summary>The tail rational function of r = √(−ln p), p the smaller tail.</summary>
        public static double Tail(double r) => r <= Split2 ? Horner(C, r - Const2) / Horner(D, r - Const2) : Horner(E, r - Split2) / Horner(F, r - Split2);

        /// <summary>c[0] + c[1]·x + … + c[7]·x⁷ by Horner's rule, highest power first.</summary>
        public static double Horner(double[] c, double x)
        {
            double s = c[7];
            for (int i = 6; i >= 0; i--) s = s * x + c[i];
            return s;
        }
    }
}
