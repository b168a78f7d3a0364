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

/// <summary>PyTorch's default bias for <c>nn.Linear</c> and <c>nn.Conv*d</c>: U(−b, b), b = 1/√fan_in of the weight the bias
/// belongs to (<c>bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0</c>), fan_in by PyTorch's rule on that weight.</summary>
/// <remarks>
/// <para>A bias is a vector, and a vector's shape carries no fan: the law depends on another tensor. So the fan arrives in one
/// of two ways. Written <c>pytorch_bias(fan_in=N)</c> it is complete and fills any shape. Written <c>pytorch_bias</c>, it
/// is a request that the consumer which knows the owning weight completes: the checkpoint plan (the weight named like the
/// bias with <c>bias</c> → <c>weight</c>), the ONNX planner (the weight of the bias's Conv, Gemm or MatMul) and TorchSharp's
/// <c>ModuleInit</c> (the weight beside the bias in its module) call <see cref="For"/> with that weight's PyTorch fan_in.
/// Filled without a fan it refuses, saying so.</para>
/// <para>Equivalent: PyTorch <c>nn.Linear.reset_parameters</c> / <c>nn.Conv*d</c> (bias part); the same law as
/// <see cref="GlorotStandard"/> on the weight, with the weight's fan_in.</para>
/// </remarks>
/// <param name="WeightFanIn">PyTorch's fan_in of the owning weight (≥ 0), or null when the consumer must supply it.</param>
public sealed record PyTorchBias(double? WeightFanIn = null) : Initializer
{
    /// <summary>PyTorch's fan_in of the owning weight, or null.</summary>
    public double? WeightFanIn { get; } = WeightFanIn is not { } f || (double.IsFinite(f) && f >= 0) ? WeightFanIn
        : throw new ArgumentOutOfRangeException(nameof(WeightFanIn), WeightFanIn, "pytorch_bias: fan_in must be a finite number ≥ 0.");

    /// <summary>The half-width b = 1/√fan_in, 0 when fan_in is 0 (PyTorch: <c>1 / math.sqrt(fan_in) if fan_in > 0 else 0</c>).</summary>
    /// <param name="weightFanIn">PyTorch's fan_in of the owning weight.</param>
    public static double Bound(double weightFanIn) => weightFanIn > 0 ? 1 / Math.Sqrt(weightFanIn) : 0;

    /// <summary>The law for a bias whose weight has PyTorch fan_in <paramref name="weightFanIn"/>: U(−b, b) as a plain uniform
    /// (its <see cref="Initializer.Spec"/> is what a checkpoint records).</summary>
    public static RandomInitializer For(double weightFanIn)
    {
        double b = Bound(weightFanIn);
        return Init.Uniform(-b, b);
    }

    /// <inheritdoc/>
    public override Distribution? DistributionFor(WeightShape shape) => WeightFanIn is { } f
        ? UniformDistribution.Symmetric(Bound(f))
        : throw new ArgumentException(
            "pytorch_bias needs the fan_in of the weight the bias belongs to, and a bias's shape carries none: write pytorch_bias(fan_in=N), " +
            "or give it to a bias named like its weight (….bias beside a ….weight of 2 or more dimensions) in a checkpoint plan, an ONNX model " +
            "or a TorchSharp module, which pass that weight's PyTorch fan_in.");

    /// <inheritdoc/>
    public override string Spec => WeightFanIn is { } f ? $"pytorch_bias(fan_in={SpecText.Of(f)})" : "pytorch_bias";
}
