namespace WeightInit.Gains;

/// <summary>Gains: the factor g in Var(W) = g²/fan that compensates an activation, from PyTorch's table or derived from Gaussian moments.</summary>
/// <remarks>
/// <para>
/// A gain multiplies the standard deviation (PyTorch's <c>gain</c>); Keras / JAX <c>scale</c> multiplies the variance, so
/// scale = gain². With Var(W) = g²/fan_in and pre-activations z ~ N(0, q), the next layer's pre-activation variance is
/// g²·E[φ(z)²] (He et al. 2015, eq. 7–10).
/// </para>
/// <para>
/// Derived gains at q = 1 (survey §3.11): relu √2, tanh 1.59254, sigmoid 1.84623, gelu 1.53353, silu 1.67653, mish 1.48685
/// (second-moment); PyTorch's hand-picked tanh 5/3 and selu 3/4 are not second-moment gains (see docs/gains.md).
/// </para>
/// </remarks>
public static class Gain
{
    /// <summary>PyTorch's gain for tanh, 5/3 (chosen empirically; <c>torch.nn.init.calculate_gain</c>).</summary>
    public const double PyTorchTanh = 5.0 / 3.0;

    /// <summary>PyTorch's gain for SELU, 3/4 (empirical, PyTorch PR #50664; its docs advise 'linear' for self-normalizing nets).</summary>
    public const double PyTorchSelu = 0.75;

    /// <summary>Glorot &amp; Bengio's logistic correction: σ(x) ≈ ½ + x/4 near 0, so each pass is scaled by (1/4)² = 1/16 and the
    /// weights need 16× the variance, i.e. gain 4 = 1/σ′(0). <see cref="LinearRegime"/> of the sigmoid recomputes it.</summary>
    public const double LogisticLinearRegime = 4.0;

    private static readonly string[] PyTorchNames =
        ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"];

    /// <summary>Exactly <c>torch.nn.init.calculate_gain</c>: linear / conv* / sigmoid 1, tanh 5/3, relu √2, leaky_relu √(2/(1 + s²)), selu 3/4.</summary>
    /// <param name="activation">One of PyTorch's names (<see cref="Activation.Linear"/> and its alias identity count as linear).
    /// <c>leaky_relu</c> without a parameter has slope 0.01, as in PyTorch.</param>
    /// <exception cref="ArgumentException">PyTorch has no gain for the activation (e.g. gelu, prelu); the message lists the names it has.</exception>
    /// <example><c>Gain.PyTorch(Activation.Parse("leaky_relu"))</c> = √(2/1.0001) ≈ 1.41414.</example>
    public static double PyTorch(Activation activation) =>
        activation is { IsBuiltIn: true, Name: "relu" or "leaky_relu" } ? Math.Sqrt(PyTorchSquared(activation)) : PyTorchSquared(activation) switch
        {
            1.0 => 1.0,
            _ when activation.Name == "tanh" => PyTorchTanh,
            _ => PyTorchSelu,
        };

    /// <summary>The square of <see cref="PyTorch"/>, computed without rounding a square root: relu 2, leaky_relu 2/(1 + s²), tanh 25/9, selu 9/16, the rest 1.</summary>
    /// <remarks>This is the variance numerator He/Kaiming initialization uses (Var(W) = gain²/fan).</remarks>
    /// <exception cref="ArgumentException">PyTorch has no gain for the activation.</exception>
    public static double PyTorchSquared(Activation activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (activation.IsBuiltIn)
        {
            switch (activation.Name)
            {
                case "linear" or "conv1d" or "conv2d" or "conv3d" or "conv_transpose1d" or "conv_transpose2d" or "conv_transpose3d" or "sigmoid":
                    return 1;
                case "tanh":
                    return 25.0 / 9.0;
                case "relu":
                    return 2.0;
                case "leaky_relu":
                    double s = activation.Parameter!.Value;
                    return 2.0 / (1 + s * s);
                case "selu":
                    return PyTorchSelu * PyTorchSelu;
            }
        }
        throw new ArgumentException(
            $"PyTorch's calculate_gain does not support '{activation}'; it supports: {string.Join(", ", PyTorchNames)}. " +
            "For other activations use Gain.SecondMoment or Gain.Variance.", nameof(activation));
    }

    /// <summary>1/√E[φ(z)²], z ~ N(0, q): weights with Var(W) = g²/fan_in then give the next layer unit pre-activation variance.</summary>
    /// <param name="activation">The activation.</param>
    /// <param name="preActivationVariance">q, the variance of the activation's input. At q = 1 the gain also preserves unit variance
    /// layer after layer; for positively homogeneous φ (ReLU, leaky ReLU) √q times this gain is the same at every q.</param>
    /// <remarks>ReLU: E[φ²] = q/2, so √2 at q = 1 (He et al. 2015); leaky ReLU: √(2/(1 + s²)) at q = 1, PyTorch's formula.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">q is negative or not finite.</exception>
    /// <exception cref="InvalidOperationException">E[φ²] is 0, so no gain exists.</exception>
    public static double SecondMoment(Activation activation, double preActivationVariance = 1.0) =>
        InverseSqrt(ActivationMoments.SecondMoment(activation, preActivationVariance), "E[φ(z)²]", activation, preActivationVariance);

    /// <summary>1/√Var[φ(z)], z ~ N(0, q): the mean-field gain when biases absorb the mean of φ (what users measure empirically, PyTorch #24991).</summary>
    /// <exception cref="ArgumentOutOfRangeException">q is negative or not finite.</exception>
    /// <exception cref="InvalidOperationException">Var[φ] is 0 (e.g. q = 0), so no gain exists.</exception>
    public static double Variance(Activation activation, double preActivationVariance = 1.0) =>
        InverseSqrt(ActivationMoments.Variance(activation, preActivationVariance), "Var[φ(z)]", activation, preActivationVariance);

    /// <summary>1/√E[φ′(z)²], z ~ N(0, q): the gain that preserves gradient variance in the backward pass (fan_out mode).</summary>
    /// <exception cref="ArgumentOutOfRangeException">q is negative or not finite.</exception>
    /// <exception cref="InvalidOperationException">The activation has no derivative, or E[φ′²] is 0.</exception>
    public static double Backward(Activation activation, double preActivationVariance = 1.0) =>
        InverseSqrt(ActivationMoments.DerivativeSecondMoment(activation, preActivationVariance), "E[φ′(z)²]", activation, preActivationVariance);

    /// <summary>1/|φ′(0)|: the gain of Glorot &amp; Bengio's small-input (linear-regime) analysis, where φ(x) ≈ φ(0) + φ′(0)x.</summary>
    /// <remarks>Sigmoid: φ′(0) = 1/4, variance factor 1/16, gain 4 (<see cref="LogisticLinearRegime"/>); tanh 1; gelu, silu, softplus 2.
    /// It is also the limit of <see cref="Backward"/> as q → 0 for activations smooth at 0.
    /// <para>A breakpoint at 0 is a kink only when φ′ itself jumps there: ELU with α = 1 and softsign have a breakpoint at 0
    /// (φ″ jumps) but φ′(0⁻) = φ′(0⁺) = 1, so their linear-regime gain is 1. The one-sided derivatives are φ′ at ∓2⁻¹⁰⁷⁴,
    /// the smallest doubles on either side, which equal the one-sided limits for any φ′ continuous on each side.</para></remarks>
    /// <exception cref="ArgumentException">φ′ jumps at 0 (ReLU family, SELU, ELU with α ≠ 1), so φ′(0) does not exist.</exception>
    /// <exception cref="InvalidOperationException">The activation has no derivative, or φ′(0) = 0.</exception>
    public static double LinearRegime(Activation activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        var d = activation.Derivative
                ?? throw new InvalidOperationException($"Activation '{activation}' has no derivative; construct it with one.");
        if (activation.Breakpoints.Contains(0.0))
        {
            double left = d(-double.Epsilon), right = d(double.Epsilon);
            if (!(Math.Abs(left - right) <= KinkTolerance * Math.Max(Math.Abs(left), Math.Abs(right))))
                throw new ArgumentException($"'{activation}' has a kink at 0 (φ′(0⁻) = {left:R}, φ′(0⁺) = {right:R}), so it has no linear regime; " +
                    "use Gain.SecondMoment or Gain.Backward at a positive variance.", nameof(activation));
        }
        double slope = Math.Abs(d(0));
        return slope > 0 && double.IsFinite(slope)
            ? 1 / slope
            : throw new InvalidOperationException($"φ′(0) = {d(0)} for '{activation}'; no linear-regime gain exists.");
    }

    /// <summary>One-sided derivatives at 0 that agree to this relative difference are one derivative (rounding, not a kink).</summary>
    private const double KinkTolerance = 1e-12;

    private static double InverseSqrt(double moment, string what, Activation activation, double q) =>
        moment > 0 && double.IsFinite(moment)
            ? 1 / Math.Sqrt(moment)
            : throw new InvalidOperationException(double.IsFinite(moment)
                ? $"{what} = {moment} for '{activation}' at pre-activation variance {q}; no gain exists."
                : $"{what} overflows a double for '{activation}' at pre-activation variance {q}; no finite gain exists.");
}
