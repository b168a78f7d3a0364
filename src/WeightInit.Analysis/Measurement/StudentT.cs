namespace WeightInit.Analysis.Measurement;

/// <summary>Student's t distribution with an integer number of degrees of freedom: the two-sided tail and its quantile, for
/// judging a mean of a few runs against a theory with the runs' own spread.</summary>
/// <remarks>
/// The distribution function is the finite series of Abramowitz &amp; Stegun 26.7.3 (odd ν) and 26.7.4 (even ν) in
/// θ = atan(t/√ν): A(t|ν) = P(|T| ≤ t). The quantile inverts the two-sided tail 1 − A by bisection to the last bits of a double.
/// </remarks>
public static class StudentT
{
    /// <summary>P(|T| &gt; t) for T ~ t(ν), t ≥ 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degreesOfFreedom"/> is below 1 or t is negative or NaN.</exception>
    public static double TwoSidedTail(double t, int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (!(t >= 0)) throw new ArgumentOutOfRangeException(nameof(t), t, "t must be ≥ 0.");
        if (double.IsPositiveInfinity(t)) return 0;
        int nu = degreesOfFreedom;
        double theta = Math.Atan(t / Math.Sqrt(nu));
        double s = Math.Sin(theta), c = Math.Cos(theta), c2 = c * c;
        if (nu % 2 == 1)
        {
            // A = (2/π)(θ + sin θ (cos θ + (2/3) cos³θ + … + (2·4…(ν−3))/(1·3…(ν−2)) cos^(ν−2) θ)); 1 − 2θ/π = (2/π) atan(√ν/t).
            double sum = 0, term = c;
            for (int k = 1; k <= (nu - 1) / 2; k++)
            {
                sum += term;
                term *= c2 * (2.0 * k) / (2.0 * k + 1);
            }
            double rest = t == 0 ? Math.PI / 2 : Math.Atan(Math.Sqrt(nu) / t);
            return Math.Max(0, 2 / Math.PI * (rest - s * sum));
        }
        else
        {
            // A = sin θ (1 + (1/2) cos²θ + (1·3)/(2·4) cos⁴θ + … + (1·3…(ν−3))/(2·4…(ν−2)) cos^(ν−2) θ).
            double sum = 0, term = 1;
            for (int k = 1; k <= nu / 2; k++)
            {
                sum += term;
                term *= c2 * (2.0 * k - 1) / (2.0 * k);
            }
            return Math.Max(0, 1 - s * sum);
        }
    }

    /// <summary>The t ≥ 0 with P(|T| &gt; t) = <paramref name="tail"/> for T ~ t(ν).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tail"/> is not in (0, 1], or ν is below 1.</exception>
    public static double TwoSidedQuantile(double tail, int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (!(tail > 0 && tail <= 1)) throw new ArgumentOutOfRangeException(nameof(tail), tail, "The tail probability must be in (0, 1].");
        double lo = 0, hi = 1;
        while (TwoSidedTail(hi, degreesOfFreedom) > tail) { lo = hi; hi *= 2; }
        for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (TwoSidedTail(mid, degreesOfFreedom) > tail) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
