using WeightInit.Gains;

namespace WeightInit.Analysis.Theory;

/// <summary>How the branches of a stack of L residual blocks x_{l+1} = x_l + α·F(x_l) are scaled at initialization.</summary>
public enum ResidualScaling
{
    /// <summary>α = 1: the plain ResNet sum; the variance grows geometrically, (1 + g²)^L.</summary>
    None,
    /// <summary>α = 1/√L: the variance stays bounded, (1 + g²/L)^L → e^{g²}.</summary>
    InverseSqrtDepth,
    /// <summary>α = 1/√(2L) (GPT-2's scaling of residual projections, two per block): (1 + g²/(2L))^L → e^{g²/2}.</summary>
    InverseSqrtTwiceDepth,
    /// <summary>Fixup (Zhang et al. 2019): the last layer of each branch starts at zero, so α·F = 0 and the variance is unchanged at
    /// initialization; the other m − 1 branch layers are scaled by L^{−1/(2m−2)}, i.e. their variance by L^{−1/(m−1)}.</summary>
    Fixup,
}

/// <summary>Closed forms and mean-field recursions for the variance of residual stacks x_{l+1} = x_l + α·F(x_l) at initialization.</summary>
/// <remarks>
/// <para>With F's last layer zero-mean and independent of x (so Cov(x, F(x)) = 0), Var[x_{l+1}] = Var[x_l] + α²·Var[F(x_l)]. When
/// Var[F(x)] = g²·Var[x] for a constant branch gain g² (linear or positively homogeneous branches such as Dense–ReLU–Dense with
/// zero biases: g² = n₂Var[W₂]·½n₁Var[W₁], 2 with He weights), the stack has the closed form Var[x_L] = (1 + α²g²)^L·Var[x_0].</para>
/// <para>For other activations (tanh) the gain depends on the variance and <see cref="FullResidualVariances"/> iterates the
/// mean-field map of Yang &amp; Schoenholz's full residual unit, x + α(V φ(W x + b) + a), whose growth is subexponential.</para>
/// </remarks>
public static class ResidualTheory
{
    /// <summary>The branch scale α of <paramref name="scaling"/> for <paramref name="depth"/> blocks (Fixup: 0, its last layer is zero).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth is not positive, or the scaling is unknown.</exception>
    public static double BranchScale(ResidualScaling scaling, int depth)
    {
        if (depth <= 0) throw new ArgumentOutOfRangeException(nameof(depth), depth, "The depth (number of blocks) must be positive.");
        return scaling switch
        {
            ResidualScaling.None => 1,
            ResidualScaling.InverseSqrtDepth => 1 / Math.Sqrt(depth),
            ResidualScaling.InverseSqrtTwiceDepth => 1 / Math.Sqrt(2.0 * depth),
            ResidualScaling.Fixup => 0,
            _ => throw new ArgumentOutOfRangeException(nameof(scaling), scaling, $"Valid: {string.Join(", ", Enum.GetNames<ResidualScaling>())}."),
        };
    }

    /// <summary>Fixup's multiplier of the standard deviation of the first m − 1 layers of each branch: L^{−1/(2m−2)}.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth is not positive or the branch has fewer than 2 weight layers.</exception>
    public static double FixupWeightMultiplier(int depth, int branchWeightLayers)
    {
        if (depth <= 0) throw new ArgumentOutOfRangeException(nameof(depth), depth, "The depth (number of blocks) must be positive.");
        if (branchWeightLayers < 2) throw new ArgumentOutOfRangeException(nameof(branchWeightLayers), branchWeightLayers, "Fixup rescales branches of at least 2 weight layers.");
        return Math.Pow(depth, -1.0 / (2 * branchWeightLayers - 2));
    }

    /// <summary>Var[x_l] / Var[x_0] for l = 0…L under a constant branch gain: (1 + α²g²)^l (Fixup: 1).</summary>
    /// <param name="depth">L, the number of blocks.</param>
    /// <param name="branchGainSquared">g² = Var[F(x)]/Var[x].</param>
    /// <param name="scaling">The choice of α.</param>
    public static double[] VarianceRatios(int depth, double branchGainSquared, ResidualScaling scaling)
    {
        if (!(branchGainSquared >= 0) || !double.IsFinite(branchGainSquared))
            throw new ArgumentOutOfRangeException(nameof(branchGainSquared), branchGainSquared, "The branch gain g² must be finite and ≥ 0.");
        double alpha = BranchScale(scaling, depth), factor = 1 + alpha * alpha * branchGainSquared;
        var ratios = new double[depth + 1];
        ratios[0] = 1;
        for (int l = 1; l <= depth; l++) ratios[l] = ratios[l - 1] * factor;
        return ratios;
    }

    /// <summary>lim_{L→∞} Var[x_L]/Var[x_0]: ∞ for α = 1 (g² &gt; 0), e^{g²} for 1/√L, e^{g²/2} for 1/√(2L), 1 for Fixup.</summary>
    public static double LimitVarianceRatio(double branchGainSquared, ResidualScaling scaling) => scaling switch
    {
        ResidualScaling.None => branchGainSquared == 0 ? 1 : double.PositiveInfinity,
        ResidualScaling.InverseSqrtDepth => Math.Exp(branchGainSquared),
        ResidualScaling.InverseSqrtTwiceDepth => Math.Exp(branchGainSquared / 2),
        ResidualScaling.Fixup => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(scaling), scaling, $"Valid: {string.Join(", ", Enum.GetNames<ResidualScaling>())}."),
    };

    /// <summary>Mean-field variances q_0…q_L of Yang &amp; Schoenholz's full residual unit: q_{l+1} = q_l + α²(σ_v² E[φ(h)²] + σ_a²), h ~ N(0, σ_w² q_l + σ_b²).</summary>
    /// <param name="activation">φ.</param>
    /// <param name="depth">L.</param>
    /// <param name="inputVariance">q_0.</param>
    /// <param name="weightVariance">σ_w², first branch layer (variance × fan-in).</param>
    /// <param name="biasVariance">σ_b², first branch layer.</param>
    /// <param name="outputWeightVariance">σ_v², second branch layer (variance × fan-in).</param>
    /// <param name="outputBiasVariance">σ_a², second branch layer.</param>
    /// <param name="branchScale">α.</param>
    public static double[] FullResidualVariances(Activation activation, int depth, double inputVariance, double weightVariance, double biasVariance,
        double outputWeightVariance, double outputBiasVariance, double branchScale)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (depth < 0) throw new ArgumentOutOfRangeException(nameof(depth), depth, "The depth must be ≥ 0.");
        foreach (var (v, name) in new[] { (inputVariance, nameof(inputVariance)), (weightVariance, nameof(weightVariance)), (biasVariance, nameof(biasVariance)),
                     (outputWeightVariance, nameof(outputWeightVariance)), (outputBiasVariance, nameof(outputBiasVariance)) })
            if (!(v >= 0) || !double.IsFinite(v)) throw new ArgumentOutOfRangeException(name, v, $"{name} must be a finite variance ≥ 0.");
        if (!double.IsFinite(branchScale)) throw new ArgumentOutOfRangeException(nameof(branchScale), branchScale, "α must be finite.");
        var q = new double[depth + 1];
        q[0] = inputVariance;
        for (int l = 0; l < depth; l++)
        {
            double h = weightVariance * q[l] + biasVariance;
            q[l + 1] = q[l] + branchScale * branchScale * (outputWeightVariance * ActivationMoments.SecondMoment(activation, h) + outputBiasVariance);
        }
        return q;
    }
}
