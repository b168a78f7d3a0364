namespace WeightInit.Numerics;

/// <summary>Exponential and logarithm in double precision built only from IEEE-exact operations (+ − × ÷), so they return the same bits on every machine and runtime.</summary>
/// <remarks>
/// <see cref="Math.Exp"/> and <see cref="Math.Log(double)"/> call the platform's C library, whose last bit differs between
/// glibc, musl and the Windows CRT. Every quantity that feeds a generated value (truncation masses, quantiles)
/// therefore goes through these instead. Algorithms and coefficients are those of fdlibm's <c>e_exp.c</c> and
/// <c>e_log.c</c> (Sun Microsystems, 1993): error below 1 ulp. Both are checked against <see cref="Math"/> in the tests.
/// </remarks>
public static class DeterministicMath
{
    internal const double Ln2Hi = 6.93147180369123816490e-01;
    internal const double Ln2Lo = 1.90821492927058770002e-10;
    private const double InvLn2 = 1.44269504088896338700e+00;
    private const double P1 = 1.66666666666666019037e-01;
    private const double P2 = -2.77777777770155933842e-03;
    private const double P3 = 6.61375632143793436117e-05;
    private const double P4 = -1.65339022054652515390e-06;
    private const double P5 = 4.13813679705723846039e-08;
    internal const double Lg1 = 6.666666666666735130e-01;
    internal const double Lg2 = 3.999999999940941908e-01;
    internal const double Lg3 = 2.857142874366239149e-01;
    internal const double Lg4 = 2.222219843214978396e-01;
    internal const double Lg5 = 1.818357216161805012e-01;
    internal const double Lg6 = 1.531383769920937332e-01;
    internal const double Lg7 = 1.479819860511658591e-01;
    internal const double Sqrt2 = 1.41421356237309504880;

    /// <summary>eˣ, correct to within 1 ulp; +∞ above 709.78, 0 below −745.13, NaN for NaN.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 709.782712893383973096) return double.PositiveInfinity;
        if (x < -745.13321910194110842) return 0.0;
        if (Math.Abs(x) < 3.7252902984619140625e-09 /* 2^-28 */) return 1.0 + x;
        // x = k·ln2 + r, |r| ≤ ln2/2, r held as hi − lo for extra precision.
        double kd = Math.Round(x * InvLn2, MidpointRounding.ToEven);
        int k = (int)kd;
        double hi = x - kd * Ln2Hi;
        double lo = kd * Ln2Lo;
        double r = hi - lo;
        double t = r * r;
        double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
        double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
        return Math.ScaleB(y, k); // exact: a managed port of scalbn
    }

    /// <summary>ln(1 + x) for x &gt; −1, with full relative precision for small |x|; built on <see cref="Log"/>.</summary>
    /// <remarks>Kahan's form: with u = 1 ⊕ x, ln(1 + x) = x·ln(u)/(u − 1) (x itself when u = 1); error a few ulps.</remarks>
    public static double Log1p(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsInfinity(u) || u <= 0) return Log(u);
        return Log(u) * x / (u - 1.0);
    }

    /// <summary>eˣ − 1 with full relative precision for small |x|; built on <see cref="Exp"/> and <see cref="Log"/>.</summary>
    /// <remarks>Kahan's form: with u = e^x, eˣ − 1 = (u − 1)·x/ln(u) (x itself when u = 1, −1 when u = 0); error a few ulps.</remarks>
    public static double Expm1(double x)
    {
        double u = Exp(x);
        if (u == 1.0) return x;
        double um1 = u - 1.0;
        if (um1 == -1.0 || double.IsInfinity(u)) return um1;
        return um1 * x / Log(u);
    }

    /// <summary>ln x, correct to within 1 ulp; −∞ at 0, NaN below 0, +∞ at +∞.</summary>
    public static double Log(double x)
    {
        if (double.IsNaN(x) || x < 0) return double.NaN;
        if (x == 0) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(x)) return x;
        int k = 0;
        if (x < 2.2250738585072014e-308) { x *= 18014398509481984.0 /* 2^54 */; k -= 54; } // subnormal
        long bits = BitConverter.DoubleToInt64Bits(x);
        k += (int)((bits >> 52) & 0x7FF) - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L); // m in [1, 2)
        if (m > Sqrt2) { m *= 0.5; k++; } // m in (√½, √2]
        double f = m - 1.0;
        double s = f / (2.0 + f);
        double z = s * s;
        double w = z * z;
        double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
        double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
        double R = t2 + t1;
        double hfsq = 0.5 * f * f;
        double dk = k;
        return dk * Ln2Hi - ((hfsq - (s * (hfsq + R) + dk * Ln2Lo)) - f);
    }
}
