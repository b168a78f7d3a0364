using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Initializers;

/// <summary>The named initializers: one-liners over <see cref="VarianceScaling"/> and the structured methods.</summary>
/// <remarks>
/// Canonical names come from the papers; aliases (<c>xavier_*</c>, <c>kaiming_*</c>, <c>msra</c>, Keras class names) live in
/// <see cref="InitializerRegistry"/>. n_in and n_out are the fans of the tensor's stated layout (see <see cref="WeightShape"/>).
/// </remarks>
public static class Init
{
    /// <summary>LeCun uniform: U(−√(3/n_in), √(3/n_in)), Var = 1/n_in.</summary>
    /// <remarks>LeCun, Bottou, Orr &amp; Müller, "Efficient BackProp" (1998). Also Caffe's default <c>xavier</c> filler (variance_norm FAN_IN).
    /// Equivalent: Keras <c>LecunUniform</c>; JAX <c>lecun_uniform</c>; Caffe <c>xavier</c>; PyTorch <c>kaiming_uniform_(nonlinearity="linear")</c>.</remarks>
    public static VarianceScaling LeCunUniform() => new(1, FanMode.FanIn, VarianceDistribution.Uniform);

    /// <summary>LeCun normal: N(0, 1/n_in), untruncated.</summary>
    /// <remarks>LeCun et al. 1998. Equivalent: PyTorch <c>kaiming_normal_(nonlinearity="linear")</c>; Keras <c>VarianceScaling(1, "fan_in", "untruncated_normal")</c>.
    /// (Keras's and JAX's <c>lecun_normal</c> are truncated: <see cref="LeCunTruncatedNormal"/>.)</remarks>
    public static VarianceScaling LeCunNormal() => new(1, FanMode.FanIn, VarianceDistribution.Normal);

    /// <summary>LeCun truncated normal: ±2σ truncated normal with variance exactly 1/n_in. The default kernel init of Flax and of SELU networks.</summary>
    /// <remarks>Klambauer et al., "Self-Normalizing Neural Networks" (2017) use it with SELU. Equivalent: Keras <c>LecunNormal</c>; JAX <c>lecun_normal</c>.</remarks>
    public static VarianceScaling LeCunTruncatedNormal() => new(1, FanMode.FanIn, VarianceDistribution.TruncatedNormal);

    /// <summary>Glorot (Xavier) uniform: U(−L, L), L = gain·√(6/(n_in + n_out)), Var = gain²·2/(n_in + n_out).</summary>
    /// <remarks>Glorot &amp; Bengio, "Understanding the difficulty of training deep feedforward neural networks" (AISTATS 2010), eq. 16 ("normalized initialization").
    /// Also known as Xavier uniform. Equivalent: PyTorch <c>xavier_uniform_(t, gain)</c>; Keras <c>GlorotUniform</c>; JAX <c>glorot_uniform</c>; Caffe <c>xavier</c> with <c>variance_norm: AVERAGE</c>.</remarks>
    /// <param name="gain">The gain g (Var is multiplied by g²); e.g. 5/3 for tanh in PyTorch's table.</param>
    public static VarianceScaling GlorotUniform(double gain = 1) => new(gain * gain, FanMode.FanAverage, VarianceDistribution.Uniform);

    /// <summary>Glorot (Xavier) normal: N(0, gain²·2/(n_in + n_out)), untruncated.</summary>
    /// <remarks>Glorot &amp; Bengio 2010. Equivalent: PyTorch <c>xavier_normal_(t, gain)</c>. (Keras's and JAX's <c>glorot_normal</c> are truncated: <see cref="GlorotTruncatedNormal"/>.)</remarks>
    public static VarianceScaling GlorotNormal(double gain = 1) => new(gain * gain, FanMode.FanAverage, VarianceDistribution.Normal);

    /// <summary>Glorot truncated normal: ±2σ truncated normal with variance exactly gain²·2/(n_in + n_out).</summary>
    /// <remarks>Equivalent: Keras <c>GlorotNormal</c>; JAX <c>glorot_normal</c>.</remarks>
    public static VarianceScaling GlorotTruncatedNormal(double gain = 1) => new(gain * gain, FanMode.FanAverage, VarianceDistribution.TruncatedNormal);

    /// <summary>He (Kaiming, MSRA) uniform: U(−L, L), L = √(6/((1 + a²)·n)), Var = 2/((1 + a²)·n), a the PReLU/leaky-ReLU negative slope.</summary>
    /// <remarks>He, Zhang, Ren &amp; Sun, "Delving Deep into Rectifiers" (ICCV 2015), eq. 15 (a = 0 for ReLU). n = n_in (forward, eq. 10) or n_out (backward, eq. 14).
    /// Equivalent: PyTorch <c>kaiming_uniform_(t, a, mode, nonlinearity="leaky_relu")</c>; Keras <c>HeUniform</c> (a = 0, fan_in); JAX <c>he_uniform</c>.</remarks>
    /// <param name="negativeSlope">The slope a of the negative part (0 for ReLU, 0.25 for PReLU's initial slope).</param>
    /// <param name="mode">Fan-in preserves forward variance; fan-out preserves backward variance.</param>
    public static VarianceScaling HeUniform(double negativeSlope = 0, FanMode mode = FanMode.FanIn) =>
        new(HeScale(negativeSlope), mode, VarianceDistribution.Uniform);

    /// <summary>He (Kaiming, MSRA) normal: N(0, 2/((1 + a²)·n)), untruncated.</summary>
    /// <remarks>He et al. 2015, eq. 15. Equivalent: PyTorch <c>kaiming_normal_(t, a, mode)</c>; Caffe <c>msra</c> (a = 0). (Keras's and JAX's <c>he_normal</c> are truncated: <see cref="HeTruncatedNormal"/>.)</remarks>
    /// <param name="negativeSlope">The slope a of the negative part.</param>
    /// <param name="mode">Fan-in or fan-out.</param>
    public static VarianceScaling HeNormal(double negativeSlope = 0, FanMode mode = FanMode.FanIn) =>
        new(HeScale(negativeSlope), mode, VarianceDistribution.Normal);

    /// <summary>He truncated normal: ±2σ truncated normal with variance exactly 2/((1 + a²)·n).</summary>
    /// <remarks>Equivalent: Keras <c>HeNormal</c>; JAX <c>he_normal</c> (a = 0, fan-in).</remarks>
    public static VarianceScaling HeTruncatedNormal(double negativeSlope = 0, FanMode mode = FanMode.FanIn) =>
        new(HeScale(negativeSlope), mode, VarianceDistribution.TruncatedNormal);

    /// <summary>The He variance numerator 2/(1 + a²).</summary>
    public static double HeScale(double negativeSlope)
    {
        if (!double.IsFinite(negativeSlope)) throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, "The negative slope must be finite.");
        return 2.0 / (1.0 + negativeSlope * negativeSlope);
    }

    /// <summary>Glorot &amp; Bengio's "standard" heuristic U[−1/√n_in, 1/√n_in] (their eq. 1).</summary>
    public static GlorotStandard GlorotStandard() => new();

    /// <summary>PyTorch's default Linear/Conv bias U(±1/√fan_in) of its weight; see <see cref="Initializers.PyTorchBias"/>
    /// (null: the consumer that knows the weight supplies its fan_in).</summary>
    public static PyTorchBias PyTorchBias(double? weightFanIn = null) => new(weightFanIn);

    /// <summary>Haar-orthogonal (semi-)orthogonal matrix times the gain; see <see cref="Initializers.Orthogonal"/>.</summary>
    public static Orthogonal Orthogonal(double gain = 1) => new(gain);

    /// <summary>Delta-orthogonal convolution kernel; see <see cref="Initializers.DeltaOrthogonal"/>.</summary>
    public static DeltaOrthogonal DeltaOrthogonal(double gain = 1) => new(gain);

    /// <summary>All zeros.</summary>
    public static Constant Zeros() => new(0);

    /// <summary>All ones.</summary>
    public static Constant Ones() => new(1);

    /// <summary>U[low, high), independent of the shape.</summary>
    public static RandomInitializer Uniform(double low = 0, double high = 1) => new(new UniformDistribution(low, high));

    /// <summary>N(mean, std²), independent of the shape.</summary>
    public static RandomInitializer Normal(double mean = 0, double stdDev = 1) => new(new NormalDistribution(mean, stdDev));

    /// <summary>N(mean, std²) truncated to (lower, upper), bounds in <paramref name="unit"/>; no variance correction (std is the parent's).</summary>
    public static RandomInitializer TruncatedNormal(double mean = 0, double stdDev = 1, double lower = -2, double upper = 2, BoundUnit unit = BoundUnit.StandardDeviations) =>
        new(new TruncatedNormalDistribution(mean, stdDev, lower, upper, unit));

    /// <summary>Caffe's <c>xavier</c> filler: U(±√(3/n)), n by <c>variance_norm</c> (FAN_IN by default, i.e. LeCun uniform) with Caffe's blob fans (count/num, count/channels).</summary>
    public static VarianceScaling CaffeXavier(FanMode varianceNorm = FanMode.FanIn) => new(1, varianceNorm, VarianceDistribution.Uniform) { Convention = FanConvention.Caffe };

    /// <summary>Caffe's <c>msra</c> filler: N(0, 2/n), n by <c>variance_norm</c> (FAN_IN by default) with Caffe's blob fans.</summary>
    public static VarianceScaling CaffeMsra(FanMode varianceNorm = FanMode.FanIn) => new(2, varianceNorm, VarianceDistribution.Normal) { Convention = FanConvention.Caffe };
}
