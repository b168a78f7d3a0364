using System.Globalization;

namespace WeightInit.Analysis.Measurement;

/// <summary>One layer as the judge sees it: where it sits, what it does to the variance going forward and to the gradient
/// going back, and its fans. Whoever measured it (our own <see cref="VarianceDiagnosis"/>, or per-node variances of an ONNX
/// model) fills one per layer, in forward order.</summary>
/// <param name="Name">The layer's name, shown in notes.</param>
/// <param name="InputVariance">Var of the layer's input elements.</param>
/// <param name="OutputVariance">Var of the layer's output elements (+∞ on overflow).</param>
/// <param name="BackwardGain">E[(∂C/∂x)²] at the layer's input over E[(∂C/∂y)²] at its output (+∞ on overflow).</param>
/// <param name="FanIn">Terms in one output's sum (1 for a layer without weights).</param>
/// <param name="FanOut">Outputs one input element feeds (fan_out/stride² for a strided convolution; 1 without weights).</param>
public sealed record LayerGains(string Name, double InputVariance, double OutputVariance, double BackwardGain, double FanIn, double FanOut)
{
    /// <summary>The layer's own forward gain, output over input variance.</summary>
    public double ForwardGain => OutputVariance / InputVariance;

    /// <summary>False when nobody knows the layer's backward gain (an ONNX layer whose ops have no derivative rule here): its
    /// <see cref="BackwardGain"/> is then ignored, its own backward gain is not judged, and neither is the backward trend at it or below it.</summary>
    public bool BackwardKnown { get; init; } = true;

    /// <summary>fan_out/fan_in: the backward gain a forward-preserving (fan_in) initializer implies by the layer's shape alone
    /// (He et al. 2015 §2.2: with the fan_in rule the backward signal is scaled by n_out/n_in per layer).</summary>
    public double ShapeBackwardGain => FanOut / FanIn;
}

/// <summary>The judge's verdict on one <see cref="LayerGains"/>.</summary>
/// <param name="Gains">The layer judged.</param>
/// <param name="BackwardGainBeyondShape">The backward gain over what the shape implies: <see cref="LayerGains.BackwardGain"/> ÷ <see cref="LayerGains.ShapeBackwardGain"/>.</param>
/// <param name="CumulativeForward">The product of the forward gains of every layer after the first, up to and including this one:
/// the variance here over the first layer's output variance (1 for the first layer).</param>
/// <param name="CumulativeBackward">The product of <paramref name="BackwardGainBeyondShape"/> over this layer and every layer after it.</param>
/// <param name="Forward">The layer's own forward gain against the factor.</param>
/// <param name="Backward">The layer's own backward gain beyond shape against the factor (none for the first layer).</param>
/// <param name="ForwardTrend">The cumulative forward gain against the factor (none for the first layer).</param>
/// <param name="BackwardTrend">The cumulative backward gain against the factor (none for the first layer).</param>
/// <param name="Note">Why a shrinking or growing gradient is not flagged, or null.</param>
public sealed record LayerVerdict(LayerGains Gains, double BackwardGainBeyondShape, double CumulativeForward, double CumulativeBackward,
    VarianceFlag Forward, VarianceFlag Backward, VarianceFlag ForwardTrend, VarianceFlag BackwardTrend, string? Note)
{
    /// <summary>True when any of the four judgements is flagged.</summary>
    public bool Flagged => Forward != VarianceFlag.None || Backward != VarianceFlag.None || ForwardTrend != VarianceFlag.None || BackwardTrend != VarianceFlag.None;

    /// <summary>True when the forward gain or its trend is flagged.</summary>
    public bool ForwardFlagged => Forward != VarianceFlag.None || ForwardTrend != VarianceFlag.None;

    /// <summary>True when the backward gain or its trend is flagged.</summary>
    public bool BackwardFlagged => Backward != VarianceFlag.None || BackwardTrend != VarianceFlag.None;
}

/// <summary>Judges a chain of layers by their own forward and backward gains and by the cumulative trend, with a flag factor F.</summary>
/// <remarks>
/// <para>Forward: the layer's own gain Var out / Var in, and the product of the gains after the first layer so far (the
/// variance relative to the first layer's output). The first layer maps the data's scale into its activation's range — a
/// tanh hands on E[tanh(z)²] ≈ 0.39 of a unit-variance input whatever the weights — and is judged by its own gain alone,
/// as the last is judged backward from the output gradient. Backward: the layer's own gain E[g²] in / E[g²] out divided by fan_out/fan_in, and the product of those
/// from the output down to the layer. The division is He et al.'s §2.2 result: an initializer that keeps the forward signal
/// (fan_in rule) scales the backward signal by n_out/n_in per layer, so a classifier head 1000 → 10 shrinks the gradient
/// ×0.01 as its shape implies — not a defect; the judge writes a note instead of flagging it.</para>
/// <para>A gain or trend above F (or not finite) explodes, below 1/F vanishes. The first layer is not judged backward (the
/// gradient at the network's input feeds no weight) and has no forward trend; it gets no note either.</para>
/// </remarks>
public static class VarianceJudge
{
    /// <summary>A shape ratio fan_out/fan_in outside [1/2, 2] is worth a note when the layer is otherwise healthy.</summary>
    private const double NoteRatio = 2;

    /// <summary>Judges <paramref name="layers"/> (forward order) with flag factor <paramref name="factor"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The factor is not a finite number above 1, or a fan is not positive.</exception>
    public static IReadOnlyList<LayerVerdict> Judge(IReadOnlyList<LayerGains> layers, double factor)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (!(factor > 1) || !double.IsFinite(factor))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"The flag factor must be a finite number > 1; got {factor.ToString(CultureInfo.InvariantCulture)}.");
        foreach (var l in layers)
            if (!(l.FanIn > 0) || !(l.FanOut > 0))
                throw new ArgumentOutOfRangeException(nameof(layers), $"Layer '{l.Name}': fans must be positive; got fan_in {l.FanIn}, fan_out {l.FanOut}.");
        int n = layers.Count;
        var beyond = layers.Select(l => l.BackwardKnown ? l.BackwardGain / l.ShapeBackwardGain : double.NaN).ToArray();
        var backward = new double[n];
        double product = 1;
        bool known = true;
        for (int i = n - 1; i >= 0; i--)
        {
            known &= layers[i].BackwardKnown;
            backward[i] = known ? product *= beyond[i] : double.NaN;
        }
        var verdicts = new List<LayerVerdict>(n);
        double forward = 1;
        for (int i = 0; i < n; i++)
        {
            var l = layers[i];
            if (i > 0) forward *= l.ForwardGain;
            var fwd = Classify(l.ForwardGain, factor);
            var bwd = i == 0 || !l.BackwardKnown ? VarianceFlag.None : Classify(beyond[i], factor);
            var fwdTrend = i == 0 ? VarianceFlag.None : Classify(forward, factor);
            var bwdTrend = i == 0 || double.IsNaN(backward[i]) ? VarianceFlag.None : Classify(backward[i], factor);
            string? note = null;
            double shape = l.ShapeBackwardGain;
            if (i > 0 && l.BackwardKnown && bwd == VarianceFlag.None && (shape > NoteRatio || shape < 1 / NoteRatio) && double.IsFinite(l.BackwardGain))
                note = $"{l.Name}: the gradient {(shape < 1 ? "shrinks" : "grows")} ×{Format(l.BackwardGain)} through this layer, of which " +
                       $"fan_out/fan_in = {Fan(l.FanOut)}/{Fan(l.FanIn)} = {Format(shape)} is what its shape implies for a forward-preserving init " +
                       $"(×{Format(beyond[i])} beyond it): not a defect, and the backward trend is judged without it.";
            verdicts.Add(new LayerVerdict(l, beyond[i], forward, backward[i], fwd, bwd, fwdTrend, bwdTrend, note));
        }
        return verdicts;
    }

    /// <summary>The fixes to re-run, smallest change first: the suggested rules of the layers whose own gain is flagged, then every
    /// suggested rule (each list once; empty lists left out). A fix is accepted only when its re-run flags nothing.</summary>
    /// <typeparam name="TRule">The rule type of the caller's model (our own specs' or an ONNX model's).</typeparam>
    /// <param name="verdicts">The verdicts of the run, one per layer.</param>
    /// <param name="suggested">Per layer, the rule that would bring its scale to the preserving one, or null.</param>
    public static IReadOnlyList<IReadOnlyList<TRule>> Candidates<TRule>(IReadOnlyList<LayerVerdict> verdicts, IReadOnlyList<TRule?> suggested)
        where TRule : class
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        ArgumentNullException.ThrowIfNull(suggested);
        if (verdicts.Count != suggested.Count) throw new ArgumentException($"One suggestion per layer: {verdicts.Count} verdicts, {suggested.Count} suggestions.");
        var own = Enumerable.Range(0, verdicts.Count)
            .Where(g => (verdicts[g].Forward != VarianceFlag.None || verdicts[g].Backward != VarianceFlag.None) && suggested[g] is not null)
            .Select(g => suggested[g]!).ToList();
        var all = suggested.OfType<TRule>().ToList();
        var result = new List<IReadOnlyList<TRule>>();
        foreach (var c in new[] { own, all })
            if (c.Count > 0 && !result.Any(r => r.SequenceEqual(c))) result.Add(c);
        return result;
    }

    /// <summary>Explodes above <paramref name="factor"/> (or when not finite), vanishes below its inverse.</summary>
    public static VarianceFlag Classify(double ratio, double factor) =>
        !double.IsFinite(ratio) || ratio > factor ? VarianceFlag.Explodes : ratio < 1 / factor ? VarianceFlag.Vanishes : VarianceFlag.None;

    private static string Fan(double x) => x.ToString("0.##", CultureInfo.InvariantCulture);

    internal static string Format(double x) =>
        double.IsPositiveInfinity(x) ? "overflow" : x.ToString("G3", CultureInfo.InvariantCulture);
}
