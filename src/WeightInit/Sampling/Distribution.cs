using System.Globalization;
using WeightInit.Random;

namespace WeightInit.Sampling;

/// <summary>A distribution that fills spans with values that are a pure function of (key, element index, parameters, element type).</summary>
/// <remarks>
/// <para>Element i of a fill under key k depends on nothing else: not on the thread count, the vector width (Vector512/256/128
/// or scalar), the chunking, nor on where the span starts. <c>Fill(k, span, firstIndex: a)</c> writes the values that a fill
/// of the whole tensor puts at indices a, a + 1, …</para>
/// <para>Each element type has its own function of the random words (float64 uses 53 random bits per value, float32 24 or 32).
/// float16 and bfloat16 values are the float32 value rounded to nearest, ties to even, then kept inside the support.</para>
/// <para>Every value uses a fixed number of random words: there is no rejection loop.</para>
/// </remarks>
public abstract record Distribution
{
    private protected Distribution() { }

    /// <summary>The expected value of the distribution (in exact arithmetic).</summary>
    public abstract double Expectation { get; }

    /// <summary>The variance of the distribution (in exact arithmetic).</summary>
    public abstract double Variance { get; }

    /// <summary>√<see cref="Variance"/>.</summary>
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>The cumulative distribution function P(X ≤ x) (of the exact distribution, before rounding to an element type).</summary>
    public abstract double Cdf(double x);

    /// <summary>The interval values lie in, with whether each end is included.</summary>
    internal abstract (double Lower, bool LowerInclusive, double Upper, bool UpperInclusive) Support { get; }

    internal abstract SingleKernel CreateSingleKernel(float lo, float hi);

    internal abstract DoubleKernel CreateDoubleKernel(double lo, double hi);

    /// <summary>Fills <paramref name="destination"/> with elements <paramref name="firstIndex"/>, <paramref name="firstIndex"/> + 1, … of the float32 stream of <paramref name="key"/>.</summary>
    /// <param name="key">The tensor's key, e.g. <c>PhiloxKey.FromSeed(seed).Fold(name)</c>.</param>
    /// <param name="destination">Where the values go.</param>
    /// <param name="firstIndex">The index of the first element of <paramref name="destination"/> in the whole tensor.</param>
    /// <param name="options">Threads and path; none changes the values.</param>
    public void Fill(PhiloxKey key, Span<float> destination, long firstIndex = 0, SamplingOptions? options = null) =>
        Fill(key, 0, destination, firstIndex, options);

    /// <summary>Fills <paramref name="destination"/> with elements of the float64 stream of <paramref name="key"/>; see <see cref="Fill(PhiloxKey, Span{float}, long, SamplingOptions?)"/>.</summary>
    public void Fill(PhiloxKey key, Span<double> destination, long firstIndex = 0, SamplingOptions? options = null) =>
        Fill(key, 0, destination, firstIndex, options);

    /// <summary>Fills <paramref name="destination"/> with elements of the float16 stream of <paramref name="key"/> (the float32 values, rounded); see <see cref="Fill(PhiloxKey, Span{float}, long, SamplingOptions?)"/>.</summary>
    public void Fill(PhiloxKey key, Span<Half> destination, long firstIndex = 0, SamplingOptions? options = null) =>
        Fill(key, 0, destination, firstIndex, options);

    /// <summary>Fills <paramref name="destination"/> with the bit patterns of the bfloat16 stream of <paramref name="key"/> (the float32 values, rounded); see <see cref="Fill(PhiloxKey, Span{float}, long, SamplingOptions?)"/>.</summary>
    public void FillBFloat16Bits(PhiloxKey key, Span<ushort> destination, long firstIndex = 0, SamplingOptions? options = null) =>
        FillBFloat16Bits(key, 0, destination, firstIndex, options);

    internal unsafe void Fill(PhiloxKey key, uint stream, Span<float> destination, long firstIndex, SamplingOptions? options)
    {
        CheckIndex(firstIndex, destination.Length);
        CheckFinite(ElementFormat.Single);
        var (lo, hi) = Clamps(ElementFormat.Single);
        fixed (float* p = destination)
            SamplingDriver.FillSingle(CreateSingleKernel((float)lo, (float)hi), key, stream, p, SamplingDriver.SingleTarget.Single,
                firstIndex, destination.Length, options ?? SamplingOptions.Default, (float)lo, (float)hi);
    }

    internal unsafe void Fill(PhiloxKey key, uint stream, Span<double> destination, long firstIndex, SamplingOptions? options)
    {
        CheckIndex(firstIndex, destination.Length);
        CheckFinite(ElementFormat.Double);
        var (lo, hi) = Clamps(ElementFormat.Double);
        fixed (double* p = destination)
            SamplingDriver.FillDouble(CreateDoubleKernel(lo, hi), key, stream, p, firstIndex, destination.Length, options ?? SamplingOptions.Default);
    }

    internal unsafe void Fill(PhiloxKey key, uint stream, Span<Half> destination, long firstIndex, SamplingOptions? options)
    {
        fixed (Half* p = destination)
            FillSixteenBit(key, stream, p, destination.Length, ElementFormat.Half, SamplingDriver.SingleTarget.Half, firstIndex, options);
    }

    internal unsafe void FillBFloat16Bits(PhiloxKey key, uint stream, Span<ushort> destination, long firstIndex, SamplingOptions? options)
    {
        fixed (ushort* p = destination)
            FillSixteenBit(key, stream, p, destination.Length, ElementFormat.BFloat16, SamplingDriver.SingleTarget.BFloat16, firstIndex, options);
    }

    // 16-bit types: the float32 stream, clamped to the float32 support, rounded, then clamped to the 16-bit support.
    private unsafe void FillSixteenBit(PhiloxKey key, uint stream, void* destination, int length, ElementFormat format,
        SamplingDriver.SingleTarget target, long firstIndex, SamplingOptions? options)
    {
        CheckIndex(firstIndex, length);
        CheckFinite(format);
        var (lo32, hi32) = Clamps(ElementFormat.Single);
        var (lo, hi) = Clamps(format);
        SamplingDriver.FillSingle(CreateSingleKernel((float)lo32, (float)hi32), key, stream, destination, target,
            firstIndex, length, options ?? SamplingOptions.Default, (float)lo, (float)hi);
    }

    private (double Lo, double Hi) Clamps(ElementFormat format)
    {
        var (lower, lowerInclusive, upper, upperInclusive) = Support;
        return ElementConversion.Clamps(format, lower, lowerInclusive, upper, upperInclusive);
    }

    /// <summary>Throws when some values of this law in <paramref name="format"/> would be infinite or NaN, or wrong because a
    /// parameter overflows the float32 arithmetic the float32, float16 and bfloat16 streams are computed in.</summary>
    /// <exception cref="ArgumentException">The law does not fit the element type; the message says which bound and what would.</exception>
    private protected virtual void CheckFinite(ElementFormat format) { }

    /// <summary>The element type's name as the command line spells it.</summary>
    private protected static string FormatName(ElementFormat format) => format switch
    {
        ElementFormat.Single => "float32",
        ElementFormat.Double => "float64",
        ElementFormat.Half => "float16",
        _ => "bfloat16",
    };

    private static void CheckIndex(long firstIndex, int length)
    {
        if (firstIndex < 0 || firstIndex > long.MaxValue / 4 - length)
            throw new ArgumentOutOfRangeException(nameof(firstIndex), firstIndex, $"The first index must lie in [0, 2^61 − length]; got {firstIndex}.");
    }

    private protected static void RequireFinite(double value, string name)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number; got {value}.");
    }
}

/// <summary>The continuous uniform distribution on the half-open interval [<see cref="Low"/>, <see cref="High"/>).</summary>
/// <remarks>
/// float32: x = low + (high − low)·u with u = k·2⁻²⁴, k the top 24 bits of one random word; float64: u = k·2⁻⁵³ from two words.
/// <see cref="Low"/> (rounded up to the element type) can occur; <see cref="High"/> never does: a value that rounds onto it
/// becomes the largest representable value below it.
/// Equivalent: PyTorch <c>torch.nn.init.uniform_(t, a=low, b=high)</c>; Keras/JAX <c>RandomUniform(minval, maxval)</c>; Caffe <c>uniform</c> filler (min, max).
/// </remarks>
/// <param name="Low">The included lower end.</param>
/// <param name="High">The excluded upper end; must exceed <paramref name="Low"/>.</param>
public sealed record UniformDistribution(double Low, double High) : Distribution
{
    /// <summary>The lower end, included.</summary>
    public double Low { get; } = CheckLow(Low, High);

    /// <summary>The upper end, excluded.</summary>
    public double High { get; } = High;

    private static double CheckLow(double low, double high)
    {
        RequireFinite(low, nameof(Low));
        RequireFinite(high, nameof(High));
        if (!(low < high)) throw new ArgumentException($"A uniform distribution needs Low < High; got [{low:R}, {high:R}).");
        if (!double.IsFinite(high - low)) throw new ArgumentException($"The width High − Low overflows; got [{low:R}, {high:R}).");
        return low;
    }

    /// <summary>The symmetric interval [−bound, bound).</summary>
    public static UniformDistribution Symmetric(double bound) => new(-bound, bound);

    /// <inheritdoc/>
    public override double Expectation => 0.5 * (Low + High);

    /// <inheritdoc/>
    public override double Variance => (High - Low) * (High - Low) / 12.0;

    /// <inheritdoc/>
    public override double Cdf(double x) => Math.Clamp((x - Low) / (High - Low), 0.0, 1.0);

    internal override (double, bool, double, bool) Support => (Low, true, High, false);

    internal override SingleKernel CreateSingleKernel(float lo, float hi) => new UniformSingleKernel((float)Low, (float)(High - Low), lo, hi);

    /// <summary>float32, float16 and bfloat16 values are low + (high − low)·u in float32: both ends and the width must be finite there.</summary>
    private protected override void CheckFinite(ElementFormat format)
    {
        if (format == ElementFormat.Double) return; // the constructor checked that High − Low is finite
        if (!float.IsFinite((float)Low) || !float.IsFinite((float)High) || !float.IsFinite((float)(High - Low)))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"U[{Low:R}, {High:R}) does not fit {FormatName(format)}: its values are low + (high − low)·u computed in float32, and {(float.IsFinite((float)Low) && float.IsFinite((float)High) ? $"the width {High - Low:R}" : "an end")} " +
                $"overflows float32 (largest {float.MaxValue:R}); narrow the interval or use f64."));
    }

    internal override DoubleKernel CreateDoubleKernel(double lo, double hi) => new UniformDoubleKernel(Low, High - Low, lo, hi);
}

/// <summary>The normal (Gaussian) distribution N(<see cref="Mean"/>, <see cref="StdDev"/>²), untruncated.</summary>
/// <remarks>
/// Box–Muller: two random words give two values (float32); four give two (float64). The radius is bounded by the
/// smallest uniform: |z| ≤ 6.66 in float32 (P(|Z| &gt; 6.66) ≈ 2.7·10⁻¹¹) and ≤ 8.65 in float64.
/// float16/bfloat16 values are kept finite (a value beyond the largest finite one becomes it).
/// Equivalent: PyTorch <c>normal_(t, mean, std)</c>; Keras/JAX <c>RandomNormal(mean, stddev)</c>; Caffe <c>gaussian</c> filler.
/// </remarks>
/// <param name="Mean">The mean μ.</param>
/// <param name="StdDev">The standard deviation σ ≥ 0.</param>
public sealed record NormalDistribution(double Mean, double StdDev) : Distribution
{
    /// <summary>The mean μ.</summary>
    public double Mean { get; } = CheckMean(Mean);

    /// <summary>The standard deviation σ.</summary>
    public double StdDev { get; } = CheckStdDev(StdDev);

    private static double CheckMean(double mean) { RequireFinite(mean, nameof(Mean)); return mean; }

    private static double CheckStdDev(double std)
    {
        RequireFinite(std, nameof(StdDev));
        if (std < 0) throw new ArgumentOutOfRangeException(nameof(StdDev), std, $"std must be ≥ 0; got {std:R}.");
        return std;
    }

    /// <inheritdoc/>
    public override double Expectation => Mean;

    /// <inheritdoc/>
    public override double Variance => StdDev * StdDev;

    /// <inheritdoc/>
    public override double Cdf(double x) => StdDev == 0 ? (x >= Mean ? 1.0 : 0.0) : Numerics.SpecialFunctions.NormalCdf((x - Mean) / StdDev);

    internal override (double, bool, double, bool) Support => (double.NegativeInfinity, false, double.PositiveInfinity, false);

    internal override SingleKernel CreateSingleKernel(float lo, float hi) => new NormalSingleKernel((float)Mean, (float)StdDev);

    // The largest |z| Box–Muller gives: √(−2 ln u₁) at the smallest u₁, 2⁻³² in float32 and 2⁻⁵⁴ in float64 (rounded up).
    private const double MaxZSingle = 6.6605, MaxZDouble = 8.6525;

    /// <summary>μ + σ·z must stay finite: in float32 (and float64) every value up to |μ| + σ·max|z| must be a finite value;
    /// in the float32 arithmetic of the 16-bit types μ and σ must be finite (values beyond the 16-bit range are kept finite).</summary>
    private protected override void CheckFinite(ElementFormat format)
    {
        double maxZ = format == ElementFormat.Double ? MaxZDouble : MaxZSingle;
        double largest = format == ElementFormat.Double ? double.MaxValue : float.MaxValue;
        bool fits = format is ElementFormat.Single or ElementFormat.Double
            ? Math.Abs(Mean) + maxZ * StdDev <= largest
            : float.IsFinite((float)Mean) && float.IsFinite((float)StdDev);
        if (!fits)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"N({Mean:R}, {StdDev:R}²) does not fit {FormatName(format)}: values reach |mean| + {maxZ:0.##}·std = {Math.Abs(Mean) + maxZ * StdDev:G6}, " +
                $"beyond the largest finite {(format == ElementFormat.Double ? "float64" : "float32")} {largest:G9}, so some would be infinite; " +
                $"use a smaller mean and std{(format == ElementFormat.Double ? "" : " or f64")}."));
    }

    internal override DoubleKernel CreateDoubleKernel(double lo, double hi) => new NormalDoubleKernel(Mean, StdDev);
}

/// <summary>The unit of truncation bounds.</summary>
public enum BoundUnit
{
    /// <summary>Bounds in σ-units relative to the mean: the support is (μ + lower·σ, μ + upper·σ). Keras, JAX and TensorFlow truncate at ±2 in these units.</summary>
    StandardDeviations,
    /// <summary>Absolute bounds: the support is (lower, upper). PyTorch's <c>trunc_normal_(a, b)</c> takes these (default a = −2, b = 2, whatever σ is).</summary>
    Absolute,
}

/// <summary>The normal distribution N(<see cref="Mean"/>, <see cref="StdDev"/>²) conditioned on lying strictly between two bounds.</summary>
/// <remarks>
/// <para>Sampled exactly by inverse CDF in double precision (Wichura's AS 241 quantile): one uniform u ∈ (0, 1) per value,
/// no rejection. Each side of the median is computed from its own tail probability, so bounds far in a tail
/// ([5σ, 6σ], [−38σ, −37σ]) and very narrow intervals ([−0.001σ, 0.001σ]) are exact to double precision before the final
/// rounding. An interval whose mass Φ(β) − Φ(α) underflows or rounds to 0 (beyond ≈ 37.5σ on one side, such as [38σ, 38.3σ]
/// or [50σ, 60σ], or narrower than Φ resolves) is sampled by the tail form instead (<see cref="TruncatedNormalTail"/>): the
/// same one uniform per value, inverted on the scale of the near bound by the hazard integral, so every finite or
/// one-sided interval is sampled. Values never equal a bound: a value that rounds onto one becomes the nearest
/// representable value inside (an element type with no value inside the interval is refused, saying so).</para>
/// <para>Note that <see cref="StdDev"/> is the σ of the parent normal; the truncated distribution's own standard deviation is
/// <see cref="Distribution.StandardDeviation"/> (smaller). <see cref="WithStandardDeviation"/> solves for σ exactly, for any bounds.</para>
/// Equivalent: PyTorch <c>trunc_normal_(t, mean, std, a, b)</c> (absolute bounds); Keras <c>TruncatedNormal(mean, stddev)</c> and JAX
/// <c>truncated_normal(stddev)</c> (bounds ±2σ).
/// </remarks>
public sealed record TruncatedNormalDistribution : Distribution
{
    /// <summary>Creates the distribution; bounds may be infinite (one-sided truncation).</summary>
    /// <param name="mean">The mean μ of the parent normal.</param>
    /// <param name="stdDev">The standard deviation σ &gt; 0 of the parent normal.</param>
    /// <param name="lower">The lower bound, in <paramref name="unit"/>.</param>
    /// <param name="upper">The upper bound, in <paramref name="unit"/>.</param>
    /// <param name="unit">Whether the bounds are σ-units around the mean or absolute values.</param>
    public TruncatedNormalDistribution(double mean, double stdDev, double lower = -2, double upper = 2, BoundUnit unit = BoundUnit.StandardDeviations)
    {
        RequireFinite(mean, nameof(mean));
        RequireFinite(stdDev, nameof(stdDev));
        if (!(stdDev > 0)) throw new ArgumentOutOfRangeException(nameof(stdDev), stdDev, $"A truncated normal needs StdDev > 0; got {stdDev:R}.");
        if (double.IsNaN(lower) || double.IsNaN(upper) || !(lower < upper))
            throw new ArgumentException($"Truncation bounds need lower < upper; got ({lower:R}, {upper:R}) in {unit}.");
        if (!Enum.IsDefined(unit)) throw new ArgumentOutOfRangeException(nameof(unit), unit, "Valid units: StandardDeviations, Absolute.");
        Mean = mean;
        StdDev = stdDev;
        Lower = lower;
        Upper = upper;
        Unit = unit;
        (Alpha, Beta) = unit == BoundUnit.StandardDeviations ? (lower, upper) : ((lower - mean) / stdDev, (upper - mean) / stdDev);
        Plan = TruncationPlan.For(Alpha, Beta);
        bool aroundZero = Alpha < 0 && Beta > 0;
        UsesTailForm = !(Plan.Mass > 0);
        if (UsesTailForm || !aroundZero)
        {
            double width = unit == BoundUnit.Absolute ? (upper - lower) / stdDev : upper - lower;
            _tail = TruncatedNormalTail.For(Alpha, Beta, width);
            if (!(_tail.Span > 0))
                throw new ArgumentException($"The interval ({lower:R}, {upper:R}) is {width:R}σ wide: narrower than double precision resolves at σ = {stdDev:R}.");
        }
    }

    private readonly TruncatedNormalTail? _tail;
    private (double Mean, double Scale, double ScaledVariance)? _moments;

    /// <summary>True when the interval's mass Φ(β) − Φ(α) underflows or rounds to 0 in double precision (beyond ≈ 37.5σ on one
    /// side, or narrower than Φ resolves): such an interval is sampled by the tail form (<see cref="TruncatedNormalTail"/>).</summary>
    internal bool UsesTailForm { get; }

    /// <summary>The mean μ of the parent normal.</summary>
    public double Mean { get; }

    /// <summary>The standard deviation σ of the parent normal (not of the truncated distribution).</summary>
    public double StdDev { get; }

    /// <summary>The lower bound, in <see cref="Unit"/>.</summary>
    public double Lower { get; }

    /// <summary>The upper bound, in <see cref="Unit"/>.</summary>
    public double Upper { get; }

    /// <summary>The unit of <see cref="Lower"/> and <see cref="Upper"/>.</summary>
    public BoundUnit Unit { get; }

    /// <summary>The lower bound in σ-units, α = (a − μ)/σ.</summary>
    public double Alpha { get; }

    /// <summary>The upper bound in σ-units, β = (b − μ)/σ.</summary>
    public double Beta { get; }

    internal TruncationPlan Plan { get; }

    /// <summary>The truncated normal with σ-unit bounds whose own standard deviation is <paramref name="standardDeviation"/>.</summary>
    /// <remarks>σ = s / √v(α, β), with v the variance of the standard normal truncated to (α, β) (for ±2: σ = s / 0.8796256610342398, Keras's constant).</remarks>
    public static TruncatedNormalDistribution WithStandardDeviation(double mean, double standardDeviation, double lower = -2, double upper = 2)
    {
        if (!(standardDeviation > 0) || !double.IsFinite(standardDeviation))
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be a finite number > 0.");
        var unit = new TruncatedNormalDistribution(0, 1, lower, upper);
        return new TruncatedNormalDistribution(mean, standardDeviation / unit.StandardDeviation, lower, upper);
    }

    /// <summary>The absolute lower bound μ + ασ.</summary>
    public double AbsoluteLower => Unit == BoundUnit.Absolute ? Lower : Mean + StdDev * Alpha;

    /// <summary>The absolute upper bound μ + βσ.</summary>
    public double AbsoluteUpper => Unit == BoundUnit.Absolute ? Upper : Mean + StdDev * Beta;

    /// <inheritdoc/>
    /// <remarks>μ + σ·m(α, β), m by <see cref="TruncatedNormalTail.Moments"/>: about 10⁻¹⁵ relative for any bounds.</remarks>
    public override double Expectation => Mean + StdDev * StandardMoments().Mean;

    /// <inheritdoc/>
    /// <remarks>σ²·v(α, β), v by <see cref="TruncatedNormalTail.Moments"/> taken about the near bound (no cancellation far in a tail
    /// or for narrow intervals): about 10⁻¹⁵ relative for any bounds.</remarks>
    public override double Variance
    {
        get
        {
            var m = StandardMoments();
            double s = StdDev / m.Scale;
            return s * s * m.ScaledVariance;
        }
    }

    /// <inheritdoc/>
    /// <remarks>Around 0 (α &lt; 0 &lt; β) from erf, which has full relative precision near 0; on one side of 0 from the near bound
    /// by the hazard integral (<see cref="TruncatedNormalTail.NearMass"/>), which keeps its precision however far out or narrow the interval is.</remarks>
    public override double Cdf(double x)
    {
        if (double.IsNaN(x)) return x;
        if (_tail is null)
        {
            double z = Math.Clamp((x - Mean) / StdDev, Alpha, Beta);
            double ea = Numerics.SpecialFunctions.Erf(Alpha * Numerics.SpecialFunctions.InvSqrt2);
            double eb = Numerics.SpecialFunctions.Erf(Beta * Numerics.SpecialFunctions.InvSqrt2);
            return Math.Clamp((Numerics.SpecialFunctions.Erf(z * Numerics.SpecialFunctions.InvSqrt2) - ea) / (eb - ea), 0.0, 1.0);
        }
        if (_tail.Mirrored) return 1.0 - _tail.NearMass((AbsoluteUpper - x) / StdDev);
        return _tail.NearMass((x - AbsoluteLower) / StdDev);
    }

    private (double Mean, double Scale, double ScaledVariance) StandardMoments() => _moments ??= TruncatedNormalTail.Moments(Alpha, Beta);

    /// <inheritdoc/>
    public bool Equals(TruncatedNormalDistribution? other) =>
        other is not null && Mean.Equals(other.Mean) && StdDev.Equals(other.StdDev) && Lower.Equals(other.Lower) && Upper.Equals(other.Upper) && Unit == other.Unit;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Mean, StdDev, Lower, Upper, Unit);

    /// <inheritdoc/>
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Mean = {Mean}, StdDev = {StdDev}, Lower = {Lower}, Upper = {Upper}, Unit = {Unit}");
        return true;
    }

    internal override (double, bool, double, bool) Support => (AbsoluteLower, false, AbsoluteUpper, false);

    /// <summary>The values must stay inside the finite range of the type they are computed in (float32 for f32, f16 and bf16):
    /// beyond it they would all be clamped onto the largest value. Where they can reach is the interval cut to the parent's
    /// μ ± 9σ, or from the near bound 9σ on when the interval lies beyond (the quantile of a 2⁻³³ tail is about 6.4σ out).</summary>
    private protected override void CheckFinite(ElementFormat format)
    {
        double largest = format == ElementFormat.Double ? double.MaxValue : float.MaxValue;
        double lower = AbsoluteLower, upper = AbsoluteUpper;
        double high = Math.Min(upper, Math.Max(lower, Mean) + 9 * StdDev), low = Math.Max(lower, Math.Min(upper, Mean) - 9 * StdDev);
        if (high > largest || low < -largest)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"TN({Mean:R}, {StdDev:R}²; ({lower:R}, {upper:R})) does not fit {FormatName(format)}: its values reach {(high > largest ? high : low):G6}, " +
                $"beyond the largest finite {(format == ElementFormat.Double ? "float64" : "float32")} {largest:G9}; use a smaller std or bounds{(format == ElementFormat.Double ? "" : ", or f64")}."));
    }

    internal override SingleKernel CreateSingleKernel(float lo, float hi) => _tail is { } t && UsesTailForm
        ? new TruncatedTailSingleKernel(t, t.Mirrored ? AbsoluteUpper : AbsoluteLower, t.Mirrored ? -StdDev : StdDev, lo, hi)
        : new TruncatedNormalSingleKernel(Plan, Mean, StdDev, lo, hi);

    internal override DoubleKernel CreateDoubleKernel(double lo, double hi) => _tail is { } t && UsesTailForm
        ? new TruncatedTailDoubleKernel(t, t.Mirrored ? AbsoluteUpper : AbsoluteLower, t.Mirrored ? -StdDev : StdDev, lo, hi)
        : new TruncatedNormalDoubleKernel(Plan, Mean, StdDev, lo, hi);
}
