using WeightInit.Numerics;

namespace WeightInit.Gains;

/// <summary>Moments of an activation's output φ(z) and derivative φ′(z) for a Gaussian pre-activation z ~ N(0, q).</summary>
/// <remarks>
/// Closed forms for the positively homogeneous activations (linear and the conv names: E[φ²] = q; ReLU: q/2;
/// leaky ReLU / PReLU with slope s: (1 + s²)q/2), quadrature by <see cref="GaussianExpectation"/> split at the activation's
/// breakpoints for the rest. q is the pre-activation variance (not a standard deviation). These are the E[φ], E[φ²],
/// Var φ and E[φ′²] columns of the mean-field analysis (Poole et al. 2016; Schoenholz et al. 2017).
/// </remarks>
public static class ActivationMoments
{
    /// <summary>E[φ(z)], z ~ N(0, q).</summary>
    /// <exception cref="ArgumentOutOfRangeException">q is negative or not finite.</exception>
    public static double Mean(Activation activation, double preActivationVariance = 1.0)
    {
        ArgumentNullException.ThrowIfNull(activation);
        double q = CheckVariance(preActivationVariance);
        return PiecewiseLinearSlopes(activation) is var (right, left)
            ? (right - left) * Math.Sqrt(q / (2 * Math.PI))
            : GaussianExpectation.Evaluate(activation.Function, 0, q, Breakpoints(activation));
    }

    /// <summary>E[φ(z)²], z ~ N(0, q): the factor by which a layer multiplies the variance of zero-mean weights' output.</summary>
    /// <exception cref="ArgumentOutOfRangeException">q is negative or not finite.</exception>
    public static double SecondMoment(Activation activation, double preActivationVariance = 1.0)
    {
        ArgumentNullException.ThrowIfNull(activation);
        double q = CheckVariance(preActivationVariance);
        if (PiecewiseLinearSlopes(activation) is var (right, left))
            return (right * right + left * left) * q / 2;
        var f = activation.Function;
        return GaussianExpectation.Evaluate(x => { double y = f(x); return y * y; }, 0, q, Breakpoints(activation));
    }

    /// <summary>Var[φ(z)] = E[(φ(z) − E φ(z))²], z ~ N(0, q), computed about the mean (no cancellation of E[φ²] − E[φ]²).</summary>
    /// <exception cref="ArgumentOutOfRangeException">q is negative or not finite.</exception>
    public static double Variance(Activation activation, double preActivationVariance = 1.0)
    {
        ArgumentNullException.ThrowIfNull(activation);
        double q = CheckVariance(preActivationVariance);
        if (PiecewiseLinearSlopes(activation) is var (right, left))
        {
            // E[φ²] − E[φ]² with E[φ²] = (r² + l²)q/2 and E[φ] = (r − l)√(q/2π): exact formulas, no quadrature error to cancel.
            double mean = (right - left) * Math.Sqrt(q / (2 * Math.PI));
            return (right * right + left * left) * q / 2 - mean * mean;
        }
        double m = Mean(activation, q);
        var f = activation.Function;
        return GaussianExpectation.Evaluate(x => { double y = f(x) - m; return y * y; }, 0, q, Breakpoints(activation));
    }

    /// <summary>E[φ′(z)²], z ~ N(0, q): the factor by which a layer multiplies the variance of back-propagated gradients.</summary>
    /// <exception cref="ArgumentOutOfRangeException">q is negative or not finite.</exception>
    /// <exception cref="InvalidOperationException">The activation has no derivative (a user function given without one).</exception>
    public static double DerivativeSecondMoment(Activation activation, double preActivationVariance = 1.0)
    {
        ArgumentNullException.ThrowIfNull(activation);
        double q = CheckVariance(preActivationVariance);
        if (q > 0 && PiecewiseLinearSlopes(activation) is var (right, left))
            return (right * right + left * left) / 2;
        var d = activation.Derivative
                ?? throw new InvalidOperationException($"Activation '{activation}' has no derivative; construct it with one to get backward-pass moments.");
        return GaussianExpectation.Evaluate(x => { double y = d(x); return y * y; }, 0, q, Breakpoints(activation));
    }

    /// <summary>(slope for x &gt; 0, slope for x &lt; 0) of the positively homogeneous built-ins, whose moments have closed forms; null otherwise.</summary>
    internal static (double Right, double Left)? PiecewiseLinearSlopes(Activation activation)
    {
        if (!activation.IsBuiltIn)
            return null;
        return activation.Name switch
        {
            "linear" or "conv1d" or "conv2d" or "conv3d" or "conv_transpose1d" or "conv_transpose2d" or "conv_transpose3d" => (1, 1),
            "relu" => (1, 0),
            "leaky_relu" or "prelu" => (1, activation.Parameter!.Value),
            _ => null,
        };
    }

    private static ReadOnlySpan<double> Breakpoints(Activation activation) => activation.Breakpoints is double[] array ? array : activation.Breakpoints.ToArray();

    private static double CheckVariance(double q) =>
        double.IsFinite(q) && q >= 0
            ? q
            : throw new ArgumentOutOfRangeException("preActivationVariance", q, $"The pre-activation variance must be finite and non-negative; got {q}.");
}
