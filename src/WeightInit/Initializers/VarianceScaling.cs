using System.Globalization;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Initializers;

/// <summary>The distribution family of <see cref="VarianceScaling"/>.</summary>
public enum VarianceDistribution
{
    /// <summary>U(−L, L) with L = √(3v).</summary>
    Uniform,
    /// <summary>N(0, v), untruncated. (Keras's <c>distribution="normal"</c> means truncated; its untruncated one is <c>"untruncated_normal"</c>.)</summary>
    Normal,
    /// <summary>N(0, σ²) truncated to ±2σ with σ chosen so that the variance after truncation is exactly v (σ = √v / 0.87962566103423978).</summary>
    TruncatedNormal,
}

/// <summary>The one primitive of fan-scaled initialization: Var(W) = scale / n, n the fan selected by <see cref="Mode"/>.</summary>
/// <remarks>
/// <para>Every fan-based method is this with fixed arguments (see <see cref="Init"/>): LeCun (scale 1, fan-in), Glorot/Xavier
/// (scale gain², fan average), He/Kaiming/MSRA (scale 2/(1 + a²) or gain², fan-in or fan-out), Caffe's xavier and msra
/// (scale 1 or 2, Caffe's fans, <c>variance_norm</c>). The variance is exactly scale/n for every distribution: the uniform
/// bound is √(3·scale/n); the truncated normal is corrected for its truncation.</para>
/// <para>A tensor with no elements gets nothing; a fan of zero with elements present is an error.</para>
/// Equivalent: Keras <c>VarianceScaling(scale, mode, distribution)</c> (there "normal" = truncated); JAX
/// <c>jax.nn.initializers.variance_scaling(scale, mode, distribution)</c>; PyTorch has no single primitive.
/// </remarks>
/// <param name="Scale">The variance numerator, &gt; 0.</param>
/// <param name="Mode">Which fan divides.</param>
/// <param name="Distribution">The distribution family.</param>
public sealed record VarianceScaling(double Scale = 1.0, FanMode Mode = FanMode.FanIn, VarianceDistribution Distribution = VarianceDistribution.TruncatedNormal) : Initializer
{
    /// <summary>The variance numerator.</summary>
    public double Scale { get; } = Scale > 0 && double.IsFinite(Scale) ? Scale
        : throw new ArgumentOutOfRangeException(nameof(Scale), Scale, $"The scale must be a finite number > 0; got {Scale}.");

    /// <summary>When set, fans follow this library's convention (e.g. Caffe's blob fans) whatever the shape's own convention.</summary>
    public FanConvention? Convention { get; init; }

    /// <summary>The variance Var(W) = scale / n for a tensor of this shape.</summary>
    public double VarianceFor(WeightShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        double fan = (Convention is { } c ? shape.WithConvention(c) : shape).Fans.Select(Mode);
        if (!(fan > 0))
            throw new ArgumentException($"The {Mode} of shape {shape} ({shape.Layout}) is {fan}; variance scaling needs a positive fan.");
        return Scale / fan;
    }

    /// <inheritdoc/>
    public override Distribution? DistributionFor(WeightShape shape)
    {
        if (shape.ElementCount == 0) return new NormalDistribution(0, 0);
        double v = VarianceFor(shape);
        return Distribution switch
        {
            VarianceDistribution.Uniform => UniformDistribution.Symmetric(Math.Sqrt(3.0 * v)),
            VarianceDistribution.Normal => new NormalDistribution(0, Math.Sqrt(v)),
            _ => TruncatedNormalDistribution.WithStandardDeviation(0, Math.Sqrt(v)),
        };
    }

    /// <summary>The torch.nn.init call that draws this law with PyTorch's double-precision formulas: <c>kaiming_*_</c> (fan-in or
    /// fan-out, std = gain/√fan) or <c>xavier_*_</c> (fan average, std = gain·√(2/(fan_in + fan_out))), uniform bound √3·std,
    /// with gain = √scale (exact: the registry forms scale = g·g, or 2/(1 + a²) as calculate_gain squares it, and √(g·g) = g in
    /// binary floating point). Null when PyTorch has no such call: a truncated normal, or fans of another convention.</summary>
    /// <param name="pytorchFans">The tensor's fans by PyTorch's rule (<see cref="FanConvention.PyTorch"/>).</param>
    public Random.TorchCall? ToTorchCall(Fans pytorchFans)
    {
        if (Distribution is not (VarianceDistribution.Uniform or VarianceDistribution.Normal) || Convention is not (null or FanConvention.PyTorch))
            return null;
        double gain = Math.Sqrt(Scale);
        double std = Mode switch
        {
            FanMode.FanAverage => gain * Math.Sqrt(2.0 / (pytorchFans.FanIn + pytorchFans.FanOut)),
            FanMode.FanOut => gain / Math.Sqrt(pytorchFans.FanOut),
            _ => gain / Math.Sqrt(pytorchFans.FanIn),
        };
        return Distribution == VarianceDistribution.Uniform ? Random.TorchCall.Uniform(Math.Sqrt(3.0) * std) : new Random.TorchCall(Random.TorchCallKind.Normal, 0, std);
    }

    /// <inheritdoc/>
    public override string Spec =>
        $"variance_scaling(scale={Scale.ToString("R", CultureInfo.InvariantCulture)}, mode={SpecText.Of(Mode)}, distribution={SpecText.Of(Distribution)}{(Convention is { } c ? $", fans={c.ToString().ToLowerInvariant()}" : "")})";
}
