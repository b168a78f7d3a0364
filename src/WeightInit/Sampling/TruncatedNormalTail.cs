using WeightInit.Numerics;

namespace WeightInit.Sampling;

/// <summary>A standard normal truncated to (α, β), seen from its near bound: distribution function, quantile and moments that keep
/// full relative precision for any bounds (far in a tail, very narrow, wide, one-sided).</summary>
/// <remarks>
/// <para>Let c be the bound nearer to the mode: c = α when α ≥ 0; for β ≤ 0 the interval is mirrored (X → −X) and c = −β; an
/// interval around 0 keeps c = α. With Y = |X − c| ∈ (0, W), W = β − α, the parent normal gives
/// P(Y &gt; y) ∝ Q(c + y) = Q(c)·e^(−h(y)) with the hazard integral h(y) = ∫_c^{c+y} dx/R(x), R(x) = Q(x)/φ(x) Mills' ratio.
/// h is computed by Gauss–Legendre quadrature of 1/R (a sum of positive terms, so relative precision), never as a
/// difference of tail probabilities, which underflow beyond 37.5σ and cancel for narrow intervals. Then
/// P(Y ≤ y | 0 &lt; Y &lt; W) = (1 − e^(−h(y)))/D with D = 1 − e^(−h(W)), both by <see cref="DeterministicMath.Expm1"/>.</para>
/// <para>The quantile solves h(y) = T(u) by Newton's method, y ← y − (h(y) − T)·R(c + y) (h′ = 1/R), from a start on the right of
/// the root (the root of cy + y²/2 = T, since h(y) ≥ cy + y²/2, or W), where Newton on the convex h converges monotonically and
/// quadratically: a fixed <see cref="NewtonSteps"/> steps, so every value costs the same and is a pure function of u.</para>
/// <para>The moments come from composite Gauss–Legendre quadrature of yᵏ·e^(−(cy + y²/2)) on panels over which the exponent grows by
/// <see cref="MomentPanelExponent"/>, up to where it passes <see cref="MomentExponentCutoff"/> (a neglected mass below e⁻⁶⁰ of the
/// whole); the variance is taken about the near bound (Var X = Var Y), where it does not cancel.</para>
/// </remarks>
internal sealed class TruncatedNormalTail
{
    /// <summary>Newton steps of the quantile. From the start (within 1.3 % of the root for c ≥ 37.5, where the refused intervals lie;
    /// exact after one step for the narrow ones, where h is linear) the relative error goes ≈ 10⁻², 10⁻⁶, 10⁻¹⁴, below 10⁻¹⁶.</summary>
    public const int NewtonSteps = 4;

    /// <summary>The exponent cy + y²/2 grows by this much over each moment panel (20-point rule: error far below 10⁻¹⁶ per panel).</summary>
    public const double MomentPanelExponent = 2.0;

    /// <summary>The moment integrals stop where the exponent passes this: e⁻⁶⁰ ≈ 8.8·10⁻²⁷ of the integrand's largest value.</summary>
    public const double MomentExponentCutoff = 60.0;

    /// <summary>Hazard panels are at most this wide (σ-units): 1/R has its nearest complex poles ≈ 3.4 away from the real axis.</summary>
    private const double HazardPanelWidth = 2.0;

    private TruncatedNormalTail(double near, double width, bool mirrored)
    {
        Near = near;
        Width = width;
        Mirrored = mirrored;
        double hw = double.IsPositiveInfinity(width) ? double.PositiveInfinity : Hazard(near, width);
        Span = double.IsPositiveInfinity(hw) ? 1.0 : -DeterministicMath.Expm1(-hw);
        Beyond = double.IsPositiveInfinity(hw) ? 0.0 : DeterministicMath.Exp(-hw);
    }

    /// <summary>The near bound c in σ-units (after mirroring).</summary>
    public double Near { get; }

    /// <summary>The width W = β − α in σ-units (+∞ for a one-sided interval).</summary>
    public double Width { get; }

    /// <summary>True when the interval lies at or below 0 and is seen mirrored (X = −(c + Y)).</summary>
    public bool Mirrored { get; }

    /// <summary>D = 1 − e^(−h(W)): the interval's mass as a fraction of Q(c).</summary>
    public double Span { get; }

    /// <summary>e^(−h(W)) = Q(c + W)/Q(c).</summary>
    public double Beyond { get; }

    /// <summary>The view of the standard normal truncated to (<paramref name="alpha"/>, <paramref name="beta"/>).</summary>
    /// <param name="alpha">The lower bound in σ-units.</param>
    /// <param name="beta">The upper bound in σ-units.</param>
    /// <param name="width">β − α, computed from the absolute bounds where there are some ((b − a)/σ keeps a narrow width that α and β round away).</param>
    public static TruncatedNormalTail For(double alpha, double beta, double width) =>
        beta <= 0 && alpha < 0 ? new TruncatedNormalTail(-beta, width, mirrored: true) : new TruncatedNormalTail(alpha, width, mirrored: false);

    /// <summary>h(y) = ∫_c^{c+y} dx/R(x) = −ln(Q(c + y)/Q(c)), by the 20-point Gauss–Legendre rule on panels at most 2 wide.</summary>
    public static double Hazard(double c, double y)
    {
        if (!(y > 0)) return 0.0;
        if (double.IsPositiveInfinity(y)) return y;
        int panels = y <= HazardPanelWidth ? 1 : (int)Math.Min(Math.Ceiling(y / HazardPanelWidth), 1 << 20);
        double width = y / panels, half = width / 2, sum = 0;
        for (int p = 0; p < panels; p++)
        {
            double centre = c + (p + 0.5) * width, panel = 0;
            for (int i = 0; i < GaussLegendre20.Nodes.Length; i++)
            {
                double offset = half * GaussLegendre20.Nodes[i];
                panel += GaussLegendre20.Weights[i] * (1.0 / SpecialFunctions.NormalMillsRatio(centre - offset) + 1.0 / SpecialFunctions.NormalMillsRatio(centre + offset));
            }
            sum += panel * half;
            if (sum > 800) return double.PositiveInfinity; // e^(−h) is 0 in double precision
        }
        return sum;
    }

    /// <summary>The distance y ∈ [0, W] from the near bound of the value with P(Y ≤ y | 0 &lt; Y &lt; W) = <paramref name="u"/>.</summary>
    public double Distance(double u)
    {
        double c = Near;
        // T = −ln(1 − u·D), computed from the lower end while 1 − u·D ≥ ½ and from the upper end (e^(−h(W)) + (1 − u)·D, no cancellation) beyond.
        double ud = u * Span;
        double target = ud <= 0.5 ? -DeterministicMath.Log1p(-ud) : -DeterministicMath.Log(Beyond + (1.0 - u) * Span);
        double y = Start(c, target);
        if (y > Width) y = Width;
        for (int step = 0; step < NewtonSteps; step++)
        {
            y -= (Hazard(c, y) - target) * SpecialFunctions.NormalMillsRatio(c + y);
            if (y < 0) y = 0;
            else if (y > Width) y = Width;
        }
        return y;
    }

    // The root of c·y + y²/2 = T (right of h's root, since h(y) ≥ cy + y²/2), or +∞ (then W) when c < 0.
    private static double Start(double c, double target) => c < 0 ? double.PositiveInfinity : DistanceAt(c, target);

    /// <summary>P(Y ≤ y | 0 &lt; Y &lt; W): the mass between the near bound and distance <paramref name="y"/>.</summary>
    public double NearMass(double y) => y <= 0 ? 0.0 : y >= Width ? 1.0 : Math.Min(1.0, -DeterministicMath.Expm1(-Hazard(Near, y)) / Span);

    /// <summary>Mean and variance of the standard normal truncated to (α, β), each to about 10⁻¹⁵ relative, for any bounds.</summary>
    /// <returns>The mean, and the variance as <c>ScaledVariance / Scale²</c>: Scale = max(c, 1) is 1/(the natural unit of Y)
    /// far in a tail, so σ²·Var = (σ/Scale)²·ScaledVariance does not underflow where the result is representable.</returns>
    public static (double Mean, double Scale, double ScaledVariance) Moments(double alpha, double beta)
    {
        if (alpha < 0 && beta > 0)
        {
            // Around 0: pieces [0, β) and [0, −α) of e^(−y²/2); ∫ x e^(−x²/2) over (α, β) is e^(−α²/2) − e^(−β²/2), written without cancellation.
            var (a0, _, a2) = ExponentIntegrals(0, -alpha, 1);
            var (b0, _, b2) = ExponentIntegrals(0, beta, 1);
            double i0 = a0 + b0;
            double mean = FirstMomentAroundZero(alpha, beta) / i0;
            return (mean, 1.0, Math.Max((a2 + b2) / i0 - mean * mean, 0));
        }
        bool mirrored = beta <= 0;
        double c = mirrored ? -beta : alpha;
        double scale = Math.Max(c, 1.0); // integrate in t = scale·y, y's natural unit being 1/c far out
        var (j0, j1, j2) = ExponentIntegrals(c, beta - alpha, scale);
        double m = j1 / j0;
        double standardMean = c + m / scale; // both terms ≥ 0: no cancellation
        return (mirrored ? -standardMean : standardMean, scale, Math.Max(j2 / j0 - m * m, 0));
    }

    // ∫ e^(−α²/2) − e^(−β²/2) for α < 0 < β, as ±e^(−min²/2)·(−expm1(−(β − α)(β + α)/2)).
    private static double FirstMomentAroundZero(double alpha, double beta)
    {
        if (double.IsNegativeInfinity(alpha) && double.IsPositiveInfinity(beta)) return 0.0;
        if (double.IsNegativeInfinity(alpha)) return -DeterministicMath.Exp(-0.5 * beta * beta);
        if (double.IsPositiveInfinity(beta)) return DeterministicMath.Exp(-0.5 * alpha * alpha);
        if (-alpha <= beta) // e^(−α²/2)·(1 − e^(−(β² − α²)/2)), β² − α² = (β − α)(β + α) ≥ 0
            return DeterministicMath.Exp(-0.5 * alpha * alpha) * -DeterministicMath.Expm1(-0.5 * (beta - alpha) * (beta + alpha));
        return -DeterministicMath.Exp(-0.5 * beta * beta) * -DeterministicMath.Expm1(-0.5 * (alpha - beta) * (alpha + beta));
    }

    // (∫ e^(−E), ∫ t e^(−E), ∫ t² e^(−E)) dy over y ∈ (0, w), t = scale·y, E(y) = c·y + y²/2 (c ≥ 0), in fixed panel order.
    private static (double, double, double) ExponentIntegrals(double c, double w, double scale)
    {
        double end = double.IsPositiveInfinity(w) ? double.PositiveInfinity : c * w + 0.5 * w * w;
        double s0 = 0, s1 = 0, s2 = 0, lo = 0, loExponent = 0;
        while (loExponent < MomentExponentCutoff && lo < w)
        {
            double nextExponent = loExponent + MomentPanelExponent;
            double hi = nextExponent >= end ? w : DistanceAt(c, nextExponent);
            if (!(hi > lo)) hi = w; // the exponent step is below the resolution of y: finish in one panel
            double half = (hi - lo) / 2, centre = lo + half;
            double p0 = 0, p1 = 0, p2 = 0;
            for (int i = 0; i < GaussLegendre20.Nodes.Length; i++)
            {
                double offset = half * GaussLegendre20.Nodes[i], weight = GaussLegendre20.Weights[i];
                foreach (double y in (ReadOnlySpan<double>)[centre - offset, centre + offset])
                {
                    double f = weight * DeterministicMath.Exp(-(c * y + 0.5 * y * y));
                    double t = scale * y;
                    p0 += f; p1 += f * t; p2 += f * t * t;
                }
            }
            double halfT = half * scale; // dt = scale·dy: the ratios do not change, the sums stay away from underflow
            s0 += p0 * halfT; s1 += p1 * halfT; s2 += p2 * halfT;
            lo = hi;
            loExponent = nextExponent;
        }
        return (s0, s1, s2);
    }

    // The y ≥ 0 with c·y + y²/2 = e (c ≥ 0): 2e/(c + √(c² + 2e)), without forming c² for large c.
    private static double DistanceAt(double c, double e)
    {
        if (c <= 1) return 2 * e / (c + Math.Sqrt(c * c + 2 * e));
        double r = 2 * e / c;
        return r / (1 + Math.Sqrt(1 + r / c));
    }
}

/// <summary>Truncated normal float32 by the tail form (intervals whose mass underflows): u = (2w + 1)·2⁻³³ as in the main kernel,
/// the value near + sign·σ·y(u) from the near bound, kept strictly inside the bounds.</summary>
internal sealed class TruncatedTailSingleKernel(TruncatedNormalTail tail, double near, double signedStdDev, float lo, float hi) : SingleKernel
{
    private const double TwoPowMinus33 = 1.16415321826934814453125E-10;

    public override void Scalar(ReadOnlySpan<uint> words, Span<float> output)
    {
        for (int i = 0; i < words.Length; i++)
            output[i] = Clamp((float)(near + signedStdDev * tail.Distance((double)(((ulong)words[i] << 1) | 1) * TwoPowMinus33)), lo, hi);
    }

    public override void Vectorized(ReadOnlySpan<uint> words, Span<float> output) => Scalar(words, output);
}

/// <summary>Truncated normal float64 by the tail form: u = (2⌊U/2⌋ + 1)·2⁻⁵³ as in the main kernel, kept strictly inside the bounds.</summary>
internal sealed class TruncatedTailDoubleKernel(TruncatedNormalTail tail, double near, double signedStdDev, double lo, double hi) : DoubleKernel
{
    private const double TwoPowMinus53 = 1.1102230246251565404236316680908203125E-16;

    public override void Scalar(ReadOnlySpan<uint> words, Span<double> output)
    {
        for (int g = 0; g < words.Length / 32; g++)
            for (int j = 0; j < 16; j++)
                output[16 * g + j] = Clamp(near + signedStdDev * tail.Distance((double)(Bits53(words[(32 * g)..], j) | 1) * TwoPowMinus53), lo, hi);
    }

    public override void Vectorized(ReadOnlySpan<uint> words, Span<double> output) => Scalar(words, output);
}
