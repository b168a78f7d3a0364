using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Initializers;

/// <summary>Every element equal to <see cref="Value"/>.</summary>
/// <remarks>
/// A constant (in particular all-zero) weight init makes every unit of a layer compute the same function and receive the
/// same gradient, so the units never differ: use it for biases and normalization parameters, not for weights.
/// Equivalent: PyTorch <c>constant_(t, val)</c>, <c>zeros_</c>, <c>ones_</c>; Keras/JAX <c>Constant</c>, <c>Zeros</c>, <c>Ones</c>; Caffe <c>constant</c> filler.
/// </remarks>
/// <param name="Value">The value, finite.</param>
public sealed record Constant(double Value) : Initializer
{
    /// <summary>The value.</summary>
    public double Value { get; } = double.IsFinite(Value) ? Value
        : throw new ArgumentOutOfRangeException(nameof(Value), Value, "The constant must be a finite number.");

    /// <inheritdoc/>
    public override string Spec => Value == 0 ? "zeros" : Value == 1 ? "ones" : $"constant(value={SpecText.Of(Value)})";

    private protected override void FillStructured(PhiloxKey key, WeightShape shape, long firstIndex, Span<double> values) => values.Fill(Value);
}

/// <summary>Every element drawn independently from a fixed <see cref="Sampling.Distribution"/>, whatever the shape.</summary>
/// <remarks>
/// Equivalent: PyTorch <c>uniform_(a, b)</c>, <c>normal_(mean, std)</c>, <c>trunc_normal_(mean, std, a, b)</c> (absolute bounds);
/// Keras <c>RandomUniform</c>, <c>RandomNormal</c>, <c>TruncatedNormal</c> (±2σ, no variance correction); Caffe <c>uniform</c>, <c>gaussian</c>.
/// </remarks>
/// <param name="Distribution">The distribution.</param>
public sealed record RandomInitializer(Distribution Distribution) : Initializer
{
    /// <inheritdoc/>
    public override Distribution? DistributionFor(WeightShape shape) => Distribution;

    /// <inheritdoc/>
    public override string Spec => Distribution switch
    {
        UniformDistribution u => $"uniform(low={SpecText.Of(u.Low)}, high={SpecText.Of(u.High)})",
        NormalDistribution n => $"normal(mean={SpecText.Of(n.Mean)}, std={SpecText.Of(n.StdDev)})",
        TruncatedNormalDistribution t =>
            $"truncated_normal(mean={SpecText.Of(t.Mean)}, std={SpecText.Of(t.StdDev)}, lower={SpecText.Of(t.Lower)}, upper={SpecText.Of(t.Upper)}, unit={SpecText.Of(t.Unit)})",
        _ => Distribution.ToString(),
    };
}

/// <summary>Glorot &amp; Bengio's "standard" initialization U[−1/√n, 1/√n], n = fan-in (their eq. 1), variance 1/(3n).</summary>
/// <remarks>
/// The heuristic the paper shows shrinking back-propagated gradients layer by layer, against which it proposes the
/// normalized (Xavier) init. It is also PyTorch's default for <c>nn.Linear</c>/<c>nn.Conv*d</c> weights and biases
/// (<c>kaiming_uniform_(a=√5)</c> works out to this bound).
/// Equivalent: PyTorch <c>uniform_(-1/sqrt(fan_in), 1/sqrt(fan_in))</c>; Keras/JAX: <c>VarianceScaling(1/3, "fan_in", "uniform")</c>.
/// </remarks>
public sealed record GlorotStandard : Initializer
{
    /// <inheritdoc/>
    public override Distribution? DistributionFor(WeightShape shape)
    {
        if (shape.ElementCount == 0) return new NormalDistribution(0, 0);
        double fan = shape.Fans.FanIn;
        if (!(fan > 0)) throw new ArgumentException($"The fan-in of shape {shape} is {fan}; the standard init needs a positive fan-in.");
        return UniformDistribution.Symmetric(1.0 / Math.Sqrt(fan));
    }

    /// <inheritdoc/>
    public override string Spec => "glorot_standard";
}
