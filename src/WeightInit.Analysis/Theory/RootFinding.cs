namespace WeightInit.Analysis.Theory;

/// <summary>Bracketed root finding shared by the mean-field solvers.</summary>
internal static class RootFinding
{
    /// <summary>2⁻⁵², the spacing of doubles at 1 (C#'s double.Epsilon is the smallest subnormal instead).</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>A root of f in [lo, hi] given f(lo) ≥ 0 ≥ f(hi) (or the reverse): Illinois regula falsi, with a bisection step
    /// whenever the bracket fails to halve, until the bracket is a few ulps wide or f is exactly 0. Deterministic.</summary>
    public static double Bracketed(Func<double, double> f, double lo, double flo, double hi, double fhi)
    {
        if (flo == 0) return lo;
        if (fhi == 0) return hi;
        if (Math.Sign(flo) == Math.Sign(fhi))
            throw new InvalidOperationException($"No sign change on [{lo}, {hi}] (f = {flo}, {fhi}).");
        int side = 0;
        for (int iteration = 0; iteration < 300; iteration++)
        {
            double width = hi - lo;
            if (Math.Abs(width) <= 4 * MachineEpsilon * Math.Max(Math.Abs(lo), Math.Abs(hi)) || Math.Abs(width) < 1e-300)
                break;
            double x = (lo * fhi - hi * flo) / (fhi - flo);
            // Every fourth step is a plain bisection, which bounds the iteration count even when regula falsi stalls.
            if (!(x > Math.Min(lo, hi) && x < Math.Max(lo, hi)) || iteration % 4 == 3) x = lo + width / 2;
            double fx = f(x);
            if (fx == 0) return x;
            if (Math.Sign(fx) == Math.Sign(fhi))
            {
                hi = x; fhi = fx;
                if (side == -1) flo /= 2;
                side = -1;
            }
            else
            {
                lo = x; flo = fx;
                if (side == 1) fhi /= 2;
                side = 1;
            }
        }
        return lo + (hi - lo) / 2;
    }
}
