namespace WeightInit.Numerics;

/// <summary>E[f(X)] for a normal X ~ N(mean, variance), by composite Gauss–Legendre quadrature split at the kinks of f.</summary>
/// <remarks>
/// <para>
/// With X = mean + σZ the integral is ∫ f(mean + σz) φ(z) dz, taken over z ∈ [−<see cref="WindowHalfWidth"/>, +<see cref="WindowHalfWidth"/>]
/// (the normal mass outside is 2Φ(−12) ≈ 3.6·10⁻³³, negligible for any f growing slower than e^(z²/4)).
/// The window is cut at every breakpoint the caller names (ReLU's 0, hardtanh's ±1): Gauss–Legendre converges
/// geometrically on each smooth piece but only algebraically across a kink, so an unnamed kink costs accuracy and
/// ends in <see cref="InvalidOperationException"/> rather than a silently poor number.
/// </para>
/// <para>
/// Each piece is split into panels of width at most 1 (in σ units) and integrated with the 20-point rule; the panel count
/// is doubled until two successive totals agree to <see cref="RelativeTolerance"/> of ∫|f|φ (typically one doubling).
/// Summation is compensated (Neumaier) and in a fixed order, so a result depends only on f, mean, variance and breakpoints.
/// </para>
/// </remarks>
public static class GaussianExpectation
{
    /// <summary>Half-width of the integration window in standard deviations.</summary>
    public const double WindowHalfWidth = 12.0;

    /// <summary>Stopping tolerance: successive refinements must agree to this fraction of ∫|f(x)|φ(z)dz.</summary>
    public const double RelativeTolerance = 1e-14;

    private const double InitialPanelWidth = 1.0;
    private const int MaxDoublings = 10;

    /// <summary>E[f(X)], X ~ N(<paramref name="mean"/>, <paramref name="variance"/>).</summary>
    /// <param name="f">The function; evaluated only inside mean ± 12σ.</param>
    /// <param name="mean">Mean of X.</param>
    /// <param name="variance">Variance of X (not the standard deviation); 0 gives f(mean).</param>
    /// <param name="breakpoints">Points (in x, not in σ units) where f or its derivatives jump, e.g. 0 for ReLU; order and repeats do not matter.</param>
    /// <returns>The expectation, to about 1e-13 relative to E|f(X)| for f smooth between the breakpoints.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="f"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The mean or a breakpoint is not finite, or the variance is negative or not finite.</exception>
    /// <exception cref="InvalidOperationException">f returned a non-finite value, or the quadrature did not converge (an unnamed kink or jump).</exception>
    /// <example><c>GaussianExpectation.Evaluate(x => Math.Max(x, 0) * Math.Max(x, 0), 0, 2.0, [0.0])</c> is 1 (= q/2).</example>
    public static double Evaluate(Func<double, double> f, double mean, double variance, ReadOnlySpan<double> breakpoints = default)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (!double.IsFinite(mean))
            throw new ArgumentOutOfRangeException(nameof(mean), mean, $"The mean must be finite; got {mean}.");
        if (!double.IsFinite(variance) || variance < 0)
            throw new ArgumentOutOfRangeException(nameof(variance), variance, $"The variance must be finite and non-negative; got {variance}.");
        foreach (double b in breakpoints)
            if (!double.IsFinite(b))
                throw new ArgumentOutOfRangeException(nameof(breakpoints), b, $"Breakpoints must be finite; got {b}.");
        if (variance == 0)
            return Checked(f(mean), mean);

        double sigma = Math.Sqrt(variance);
        double[] edges = Edges(mean, sigma, breakpoints);
        var (previous, _) = Integrate(f, mean, sigma, edges, 0);
        for (int level = 1; level <= MaxDoublings; level++)
        {
            var (current, absolute) = Integrate(f, mean, sigma, edges, level);
            if (Math.Abs(current - previous) <= RelativeTolerance * absolute)
                return current;
            previous = current;
        }
        throw new InvalidOperationException(
            $"Gaussian expectation did not converge (mean {mean}, variance {variance}, breakpoints [{string.Join(", ", breakpoints.ToArray())}]): " +
            "f probably has a kink or jump that is not listed among the breakpoints.");
    }

    /// <summary>The window [−12, 12] in σ units, cut at the breakpoints that fall strictly inside it, sorted, without repeats.</summary>
    private static double[] Edges(double mean, double sigma, ReadOnlySpan<double> breakpoints)
    {
        var edges = new List<double>(breakpoints.Length + 2) { -WindowHalfWidth, WindowHalfWidth };
        foreach (double b in breakpoints)
        {
            double z = (b - mean) / sigma;
            if (z > -WindowHalfWidth && z < WindowHalfWidth && !edges.Contains(z))
                edges.Add(z);
        }
        edges.Sort();
        return [.. edges];
    }

    /// <summary>∫ f(mean + σz) φ(z) dz and ∫ |f| φ dz over the edges, each piece in ⌈width⌉·2^level panels.</summary>
    private static (double Value, double Absolute) Integrate(Func<double, double> f, double mean, double sigma, double[] edges, int level)
    {
        double sum = 0, compensation = 0, absolute = 0;
        for (int e = 0; e + 1 < edges.Length; e++)
        {
            double lo = edges[e], hi = edges[e + 1];
            int panels = (int)Math.Ceiling((hi - lo) / InitialPanelWidth) << level;
            double width = (hi - lo) / panels;
            double halfWidth = width / 2;
            for (int p = 0; p < panels; p++)
            {
                double centre = lo + (p + 0.5) * width;
                double panel = 0, panelAbsolute = 0;
                for (int i = 0; i < GaussLegendre20.Nodes.Length; i++)
                {
                    double offset = halfWidth * GaussLegendre20.Nodes[i];
                    double w = GaussLegendre20.Weights[i];
                    double left = Term(f, mean, sigma, centre - offset);
                    double right = Term(f, mean, sigma, centre + offset);
                    panel += w * (left + right);
                    panelAbsolute += w * (Math.Abs(left) + Math.Abs(right));
                }
                panel *= halfWidth;
                absolute += panelAbsolute * halfWidth;
                // Neumaier's compensated sum: the total does not depend on how large the panels' values are relative to each other.
                double t = sum + panel;
                compensation += Math.Abs(sum) >= Math.Abs(panel) ? (sum - t) + panel : (panel - t) + sum;
                sum = t;
            }
        }
        return (sum + compensation, absolute);
    }

    private static double Term(Func<double, double> f, double mean, double sigma, double z)
    {
        double x = mean + sigma * z;
        return Checked(f(x), x) * SpecialFunctions.NormalPdf(z);
    }

    private static double Checked(double value, double x) =>
        double.IsFinite(value) ? value : throw new InvalidOperationException($"f({x}) = {value}; the expectation needs finite values.");
}

/// <summary>The 20-point Gauss–Legendre rule on [−1, 1]: the positive nodes (the rule is symmetric) and their weights.</summary>
/// <remarks>Nodes are the roots of the Legendre polynomial P₂₀, weights 2/((1−x²)P₂₀′(x)²), evaluated to 25 digits in 40-digit
/// arithmetic (Newton's method, mpmath); the tests recompute them in double precision and check exactness up to degree 39.</remarks>
public static class GaussLegendre20
{
    /// <summary>Positive roots of P₂₀, largest first.</summary>
    public static ReadOnlySpan<double> Nodes =>
    [
        0.9931285991850949247861224, 0.9639719272779137912676661, 0.9122344282513259058677524, 0.8391169718222188233945291,
        0.7463319064601507926143051, 0.6360536807265150254528367, 0.5108670019508270980043641, 0.3737060887154195606725482,
        0.2277858511416450780804962, 0.07652652113349733375464041,
    ];

    /// <summary>The weight of each node in <see cref="Nodes"/> (and of its mirror image).</summary>
    public static ReadOnlySpan<double> Weights =>
    [
        0.01761400713915211831186196, 0.04060142980038694133103995, 0.06267204833410906356950654, 0.08327674157670474872475814,
        0.1019301198172404350367501, 0.1181945319615184173123774, 0.1316886384491766268984945, 0.1420961093183820513292983,
        0.1491729864726037467878287, 0.1527533871307258506980843,
    ];
}
