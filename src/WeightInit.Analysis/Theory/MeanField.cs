using WeightInit.Gains;
using WeightInit.Numerics;

namespace WeightInit.Analysis.Theory;

/// <summary>Mean-field signal propagation in a wide random network (Poole et al. 2016; Schoenholz et al. 2017): the length map, its
/// fixed point q*, the correlation map and c*, χ₁, and the depth scales ξ_q and ξ_c.</summary>
/// <remarks>
/// <para>Parametrized by <b>variances</b> as in Schoenholz et al. and Xiao et al.: W_ij ~ N(0, σ_w²/N), b_i ~ N(0, σ_b²) (Poole et
/// al.'s code takes standard deviations and squares them). With Dz the standard normal measure:</para>
/// <list type="bullet">
/// <item>length map 𝒱(q) = σ_w² ∫Dz φ(√q z)² + σ_b², fixed point q* = 𝒱(q*) (the attracting one: the largest root);</item>
/// <item>correlation map 𝒞(c) = (σ_w² ∫Dz₁Dz₂ φ(u₁)φ(u₂) + σ_b²)/q*, u₁ = √q* z₁, u₂ = √q* (c z₁ + √(1−c²) z₂), fixed point c*;</item>
/// <item>χ₁ = σ_w² ∫Dz φ′(√q* z)², the slope of 𝒞 at c = 1: ordered phase χ₁ &lt; 1 (c* = 1), chaotic χ₁ &gt; 1 (c* &lt; 1);</item>
/// <item>χ_c = σ_w² ∫Dz₁Dz₂ φ′(u₁)φ′(u₂) at c*, ξ_c = −1/ln χ_c (= −1/ln χ₁ in the ordered phase; infinite at χ₁ = 1);</item>
/// <item>ξ_q = −1/ln 𝒱′(q*) with 𝒱′(q) = χ₁(q) + σ_w² ∫Dz φ″φ, computed by Stein's lemma as (σ_w²/q)·E[u φ(u) φ′(u)], u ~ N(0, q),
/// which needs no second derivative.</item>
/// </list>
/// <para>One-dimensional expectations are <see cref="GaussianExpectation"/> quadratures split at the activation's breakpoints.
/// Two-dimensional ones (the correlation map, χ_c) use a fixed tensor grid of composite Gauss–Legendre rules for a smooth φ
/// (no breakpoints: tanh, sigmoid, gelu, …; about 30 times fewer evaluations, see <see cref="PairExpectationGrid"/>), and the
/// nested adaptive quadrature for φ with kinks (E[φ(u₂) | u₁] is a normal expectation with mean c·u₁ and variance q(1 − c²)).</para>
/// </remarks>
public sealed class MeanField
{
    private readonly Lazy<double> _fixedPointLength;
    private readonly Lazy<double> _fixedPointCorrelation;

    /// <summary>A mean-field model of a deep fully connected network with activation φ.</summary>
    /// <param name="activation">φ.</param>
    /// <param name="weightVariance">σ_w², the weight variance times the fan-in.</param>
    /// <param name="biasVariance">σ_b², the bias variance.</param>
    /// <exception cref="ArgumentOutOfRangeException">A variance is negative or not finite.</exception>
    public MeanField(Activation activation, double weightVariance, double biasVariance)
    {
        ArgumentNullException.ThrowIfNull(activation);
        Activation = activation;
        WeightVariance = CheckVariance(weightVariance, nameof(weightVariance));
        BiasVariance = CheckVariance(biasVariance, nameof(biasVariance));
        _fixedPointLength = new Lazy<double>(SolveFixedPointLength);
        _fixedPointCorrelation = new Lazy<double>(SolveFixedPointCorrelation);
    }

    /// <summary>φ.</summary>
    public Activation Activation { get; }

    /// <summary>σ_w² (weight variance × fan-in).</summary>
    public double WeightVariance { get; }

    /// <summary>σ_b².</summary>
    public double BiasVariance { get; }

    /// <summary>𝒱(q) = σ_w² E[φ(√q z)²] + σ_b²: the pre-activation variance of the next layer.</summary>
    public double LengthMap(double length) =>
        WeightVariance * ActivationMoments.SecondMoment(Activation, CheckVariance(length, nameof(length))) + BiasVariance;

    /// <summary>𝒱′(q) = (σ_w²/q)·E[u φ(u) φ′(u)], u ~ N(0, q) (Stein's lemma; equals χ₁(q) + σ_w² E[φ″φ]); at q = 0 the limit q → 0⁺.</summary>
    public double LengthMapSlope(double length)
    {
        // At q = 0 the limit q → 0⁺ (ReLU: σ_w²/2, not the value of φ′ at its kink).
        double q = Math.Max(CheckVariance(length, nameof(length)), TinyLength);
        var d = Derivative();
        var f = Activation.Function;
        return WeightVariance / q * GaussianExpectation.Evaluate(u => u * f(u) * d(u), 0, q, Breakpoints);
    }

    /// <summary>The attracting fixed point q* of the length map.</summary>
    /// <exception cref="InvalidOperationException">No fixed point: the length map grows without bound (e.g. ReLU with σ_w² ≥ 2 and σ_b² &gt; 0).</exception>
    public double FixedPointLength => _fixedPointLength.Value;

    /// <summary>χ₁ = σ_w² E[φ′(√q* z)²]: the growth factor of gradients per layer and the slope of the correlation map at c = 1.</summary>
    public double Chi1 => Chi1At(FixedPointLength);

    /// <summary>χ₁ at a given length q instead of q*; at q = 0 the limit q → 0⁺ (ReLU: σ_w²/2).</summary>
    public double Chi1At(double length) =>
        WeightVariance * ActivationMoments.DerivativeSecondMoment(Activation, Math.Max(CheckVariance(length, nameof(length)), TinyLength));

    /// <summary>𝒞(c) at q*: the correlation of two inputs' pre-activations after one more layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="correlation"/> is outside [−1, 1].</exception>
    public double CorrelationMap(double correlation)
    {
        if (!(correlation is >= -1 and <= 1)) throw new ArgumentOutOfRangeException(nameof(correlation), correlation, "A correlation lies in [−1, 1].");
        double q = FixedPointLength;
        if (q == 0) return 1;
        return (WeightVariance * PairExpectation(Activation.Function, q, correlation) + BiasVariance) / q;
    }

    /// <summary>The attracting fixed point c* of the correlation map: 1 when χ₁ ≤ 1 (ordered phase; also for χ₁ within 1e-9 of 1), below 1 in the chaotic phase.</summary>
    public double FixedPointCorrelation => _fixedPointCorrelation.Value;

    /// <summary>χ_c = σ_w² E[φ′(u₁)φ′(u₂)] at (q*, c*): the slope of the correlation map at its fixed point.</summary>
    public double ChiC
    {
        get
        {
            double c = FixedPointCorrelation;
            return c == 1 ? Chi1 : WeightVariance * PairExpectation(Derivative(), FixedPointLength, c);
        }
    }

    /// <summary>ξ_q = −1/ln 𝒱′(q*): layers over which the length relaxes to q* by a factor e (infinite when 𝒱′(q*) ≥ 1).</summary>
    public double LengthDepthScale => DepthScale(LengthMapSlope(FixedPointLength));

    /// <summary>ξ_c = −1/ln χ_c: layers over which |c − c*| shrinks by a factor e; diverges at the edge of chaos (χ₁ = 1).</summary>
    public double CorrelationDepthScale => DepthScale(ChiC);

    /// <summary>The edge-of-chaos point (σ_w², σ_b²) whose fixed point is <paramref name="fixedPointLength"/>: σ_w² = 1/E[φ′(√q* z)²],
    /// σ_b² = q* − σ_w² E[φ(√q* z)²] (Xiao et al.'s <c>sw_sb(q, 1)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">q* is not positive, or gives a negative σ_b² (no critical point has that q*).</exception>
    public static (double WeightVariance, double BiasVariance) CriticalPoint(Activation activation, double fixedPointLength)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (!(fixedPointLength > 0) || !double.IsFinite(fixedPointLength))
            throw new ArgumentOutOfRangeException(nameof(fixedPointLength), fixedPointLength, "q* must be positive and finite.");
        double sw = 1 / ActivationMoments.DerivativeSecondMoment(activation, fixedPointLength);
        double sb = fixedPointLength - sw * ActivationMoments.SecondMoment(activation, fixedPointLength);
        if (sb < 0)
            throw new ArgumentOutOfRangeException(nameof(fixedPointLength), fixedPointLength,
                $"For {activation} no critical point has q* = {fixedPointLength}: it would need σ_b² = {sb} < 0.");
        return (sw, sb);
    }

    /// <summary>The critical σ_w² (χ₁ = 1) for a given σ_b²: the edge of chaos.</summary>
    /// <remarks>Solves σ_b²(q*) = <paramref name="biasVariance"/> on the critical line of <see cref="CriticalPoint"/>; for σ_b² = 0 it is the
    /// limit q* → 0⁺, 1/φ′(0)² for a smooth φ (1 for tanh), 2 for ReLU.</remarks>
    /// <exception cref="ArgumentException">The activation has no critical point at that σ_b² (e.g. ReLU with σ_b² &gt; 0, whose length map has no fixed point at σ_w² = 2).</exception>
    public static double CriticalWeightVariance(Activation activation, double biasVariance)
    {
        ArgumentNullException.ThrowIfNull(activation);
        double sb = CheckVariance(biasVariance, nameof(biasVariance));
        if (sb == 0) return 1 / ActivationMoments.DerivativeSecondMoment(activation, TinyLength);
        double Gap(double q) => q - ActivationMoments.SecondMoment(activation, q) / ActivationMoments.DerivativeSecondMoment(activation, q) - sb;
        double hi = Math.Max(1, 2 * sb), ghi = Gap(hi);
        while (!(ghi > 0))
        {
            hi *= 2;
            if (hi > MaxLength)
                throw new ArgumentException($"{activation} has no edge of chaos at σ_b² = {sb}: on the critical line σ_b²(q*) stays below it up to q* = {MaxLength:g3}.", nameof(biasVariance));
            ghi = Gap(hi);
        }
        double q = RootFinding.Bracketed(Gap, 0, -sb, hi, ghi);
        return 1 / ActivationMoments.DerivativeSecondMoment(activation, q);
    }

    /// <summary>The critical σ_b² (χ₁ = 1) for a given σ_w², the inverse of <see cref="CriticalWeightVariance"/>.</summary>
    /// <exception cref="ArgumentException">No σ_b² ≥ 0 puts that σ_w² on the edge of chaos (for tanh: σ_w² &lt; 1).</exception>
    public static double CriticalBiasVariance(Activation activation, double weightVariance)
    {
        ArgumentNullException.ThrowIfNull(activation);
        double sw = CheckVariance(weightVariance, nameof(weightVariance));
        double Excess(double q) => sw * ActivationMoments.DerivativeSecondMoment(activation, q) - 1;
        double e0 = Excess(TinyLength);
        if (e0 == 0) return 0;
        if (e0 < 0)
            throw new ArgumentException($"{activation}: σ_w² = {sw} gives χ₁ < 1 already at q* → 0, so no σ_b² ≥ 0 reaches the edge of chaos (it needs σ_w² ≥ {1 / ActivationMoments.DerivativeSecondMoment(activation, TinyLength):R}).", nameof(weightVariance));
        double hi = 1, ehi = Excess(hi);
        while (!(ehi < 0))
        {
            hi *= 2;
            if (hi > MaxLength)
                throw new ArgumentException($"{activation}: χ₁ stays ≥ 1 at σ_w² = {sw} for every q* up to {MaxLength:g3}; no edge of chaos.", nameof(weightVariance));
            ehi = Excess(hi);
        }
        double q = RootFinding.Bracketed(Excess, TinyLength, e0, hi, ehi);
        double sb = q - sw * ActivationMoments.SecondMoment(activation, q);
        return sb >= 0 ? sb
            : throw new ArgumentException($"{activation}: σ_w² = {sw} reaches χ₁ = 1 at q* = {q}, which would need σ_b² = {sb} < 0.", nameof(weightVariance));
    }

    /// <summary>χ₁ and q* over a grid of (σ_w², σ_b²): Poole et al.'s Fig. 2D / Schoenholz et al.'s phase diagram.</summary>
    /// <remarks>Cells without a fixed point (unbounded activations past their critical line) hold NaN.</remarks>
    public static PhaseDiagram PhaseDiagram(Activation activation, IReadOnlyList<double> weightVariances, IReadOnlyList<double> biasVariances)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(weightVariances);
        ArgumentNullException.ThrowIfNull(biasVariances);
        var chi = new double[weightVariances.Count, biasVariances.Count];
        var q = new double[weightVariances.Count, biasVariances.Count];
        for (int i = 0; i < weightVariances.Count; i++)
            for (int j = 0; j < biasVariances.Count; j++)
            {
                var field = new MeanField(activation, weightVariances[i], biasVariances[j]);
                try
                {
                    q[i, j] = field.FixedPointLength;
                    chi[i, j] = field.Chi1;
                }
                catch (InvalidOperationException)
                {
                    q[i, j] = chi[i, j] = double.NaN;
                }
            }
        return new PhaseDiagram(activation, [.. weightVariances], [.. biasVariances], chi, q);
    }

    // q below which a length counts as 0 in the q* → 0⁺ limits (the moments there equal their limits to double precision).
    private const double TinyLength = 1e-200;
    private const double MaxLength = 1e12;
    private const double CriticalTolerance = 1e-9;

    private double SolveFixedPointLength()
    {
        double Gap(double q) => LengthMap(q) - q;
        double hi = Math.Max(1, 2 * (WeightVariance + BiasVariance)), ghi = Gap(hi);
        while (!(ghi < 0))
        {
            hi *= 2;
            if (hi > MaxLength)
                throw new InvalidOperationException(
                    $"The length map of {Activation} at σ_w² = {WeightVariance}, σ_b² = {BiasVariance} has no fixed point below {MaxLength:g3}: q grows without bound.");
            ghi = Gap(hi);
        }
        double g0 = Gap(0);
        if (g0 > 0) return RootFinding.Bracketed(Gap, 0, g0, hi, ghi);
        // q = 0 is a fixed point (σ_b² = 0, φ(0) = 0); a positive one attracts when 𝒱 rises above the diagonal somewhere below hi.
        for (double lo = hi / 2; lo > hi * 1e-30; lo /= 2)
        {
            double glo = Gap(lo);
            if (glo > 0) return RootFinding.Bracketed(Gap, lo, glo, hi, ghi);
        }
        return 0;
    }

    private double SolveFixedPointCorrelation()
    {
        // χ₁ within CriticalTolerance of 1 is the edge of chaos to the accuracy of the solvers (the critical σ_w² is found to ~1e-12);
        // there 1 − c* = O(χ₁ − 1) would be below the resolution of the correlation map near c = 1.
        if (FixedPointLength == 0 || Chi1 <= 1 + CriticalTolerance) return 1;
        double Gap(double c) => CorrelationMap(c) - c;
        // Below c = 1 the map lies under the diagonal (slope χ₁ > 1); find a point where it does.
        double delta = 1e-2, ghi = Gap(1 - delta);
        while (!(ghi < 0))
        {
            delta /= 8;
            if (delta < 1e-12) return 1;
            ghi = Gap(1 - delta);
        }
        double lo = 0, glo = Gap(0);
        if (glo < 0) { lo = -1; glo = Gap(-1); }
        return RootFinding.Bracketed(Gap, lo, glo, 1 - delta, ghi);
    }

    /// <summary>E[g(u₁) g(u₂)] for (u₁, u₂) centred normal with variances q and correlation c: the tensor grid for a smooth φ, the nested quadrature otherwise.</summary>
    private double PairExpectation(Func<double, double> g, double q, double c) =>
        Activation.Breakpoints.Count == 0 ? PairExpectationGrid(g, q, c) : PairExpectationNested(g, q, c, Breakpoints);

    /// <summary>E[g(u₁) g(u₂)] as a nested adaptive one-dimensional quadrature (E[g(u₂) | u₁] is a normal expectation with mean c·u₁
    /// and variance q(1 − c²)); exact at kinks named in <paramref name="breakpoints"/>, but about 10⁶ evaluations of g.</summary>
    internal static double PairExpectationNested(Func<double, double> g, double q, double c, ReadOnlySpan<double> breakpoints)
    {
        double conditionalVariance = q * (1 - c * c);
        var points = breakpoints.ToArray();
        return GaussianExpectation.Evaluate(u1 =>
        {
            double outer = g(u1);
            return outer == 0 ? 0 : outer * GaussianExpectation.Evaluate(g, c * u1, conditionalVariance, points);
        }, 0, q, points);
    }

    /// <summary>Half-width of the grid's window in standard deviations: the normal mass outside is 2Φ(−8.5) ≈ 2·10⁻¹⁷.</summary>
    internal const double GridHalfWidth = 8.5;

    /// <summary>E[g(u₁) g(u₂)] for a g analytic near the real axis, on a fixed tensor grid of composite 20-point Gauss–Legendre rules.</summary>
    /// <remarks>
    /// <para>With u₁ = √q z₁ and u₂ = √q (c z₁ + √(1 − c²) z₂), z₁, z₂ independent standard normals, the integral is
    /// ∫∫ g(u₁) g(u₂) φ(z₁) φ(z₂) dz₁ dz₂ over [−8.5, 8.5]², each axis cut into equal panels of width h = min(2, 3/√q).</para>
    /// <para>Why that width: g(√q z) has its nearest complex singularity at distance d/√q from the real axis (d = π/2 for tanh
    /// and sech²), so on a panel of half-width h/2 the Gauss–Legendre error decays like ρ^(−40) with
    /// ρ = δ + √(1 + δ²), δ = 2d/(√q h) ≥ π/3 for tanh, ρ ≥ 2.49: ρ^(−40) ≈ 10⁻¹⁶, times a constant that grows with the pole
    /// order (sech⁴ when c → 1; with h = 4/√q the error reached 3·10⁻¹⁰ there). The Gaussian factor is entire and needs only
    /// h ≤ 2. At q ≤ 2.25 this is 9 panels, 180 nodes per axis, 32 400 evaluations of g — against about 10⁶ for the nested
    /// adaptive quadrature; the tests check agreement with it to 1e-11 for tanh over q ∈ [0.05, 16], c ∈ [−0.9, 0.9999], and for sigmoid, gelu, silu, softplus at q = 4
    /// (<c>MeanFieldTests</c>), where nodes per axis for 1e-10 would be far more with a single Gauss–Hermite rule (tanh's
    /// poles make Gauss–Hermite converge slowly once q ≳ 1).</para>
    /// <para>The sum runs in a fixed order (inner over z₂, then outer over z₁), so the result is deterministic.</para>
    /// </remarks>
    internal static double PairExpectationGrid(Func<double, double> g, double q, double c)
    {
        if (q == 0) { double g0 = g(0); return g0 * g0; }
        double sq = Math.Sqrt(q), r = Math.Sqrt(Math.Max(0, 1 - c * c));
        double width = Math.Min(2.0, 3.0 / sq);
        int panels = (int)Math.Ceiling(2 * GridHalfWidth / width);
        width = 2 * GridHalfWidth / panels;
        int count = panels * 2 * GaussLegendre20.Nodes.Length;
        var z = new double[count];
        var w = new double[count];
        int k = 0;
        for (int p = 0; p < panels; p++)
        {
            double centre = -GridHalfWidth + (p + 0.5) * width, half = width / 2;
            for (int i = GaussLegendre20.Nodes.Length - 1; i >= 0; i--, k++)
            {
                z[k] = centre - half * GaussLegendre20.Nodes[i];
                w[k] = half * GaussLegendre20.Weights[i] * SpecialFunctions.NormalPdf(z[k]);
            }
            for (int i = 0; i < GaussLegendre20.Nodes.Length; i++, k++)
            {
                z[k] = centre + half * GaussLegendre20.Nodes[i];
                w[k] = half * GaussLegendre20.Weights[i] * SpecialFunctions.NormalPdf(z[k]);
            }
        }
        double total = 0;
        for (int i = 0; i < count; i++)
        {
            double outer = g(sq * z[i]);
            if (outer == 0) continue;
            double mean = c * sq * z[i], inner = 0;
            if (r == 0) inner = g(mean);
            else
            {
                double scale = r * sq;
                for (int j = 0; j < count; j++) inner += w[j] * g(mean + scale * z[j]);
            }
            total += w[i] * outer * inner;
        }
        return total;
    }

    private Func<double, double> Derivative() =>
        Activation.Derivative ?? throw new InvalidOperationException($"Activation '{Activation}' has no derivative; χ₁ and the depth scales need one.");

    private ReadOnlySpan<double> Breakpoints => Activation.Breakpoints is double[] a ? a : [.. Activation.Breakpoints];

    private static double DepthScale(double slope) => slope >= 1 ? double.PositiveInfinity : slope <= 0 ? 0 : -1 / Math.Log(slope);

    private static double CheckVariance(double value, string name) =>
        double.IsFinite(value) && value >= 0 ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite variance ≥ 0; got {value}.");
}

/// <summary>χ₁ and q* over a grid of (σ_w², σ_b²), from <see cref="MeanField.PhaseDiagram"/>.</summary>
/// <param name="Activation">φ.</param>
/// <param name="WeightVariances">σ_w² values (first index).</param>
/// <param name="BiasVariances">σ_b² values (second index).</param>
/// <param name="Chi1">χ₁[i, j] at (σ_w²[i], σ_b²[j]); &gt; 1 chaotic, &lt; 1 ordered; NaN without a fixed point.</param>
/// <param name="FixedPointLength">q*[i, j]; NaN without a fixed point.</param>
public sealed record PhaseDiagram(Activation Activation, IReadOnlyList<double> WeightVariances, IReadOnlyList<double> BiasVariances, double[,] Chi1, double[,] FixedPointLength);
