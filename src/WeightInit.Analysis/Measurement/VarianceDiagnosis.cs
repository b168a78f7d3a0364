using System.Globalization;
using WeightInit.Models;
using WeightInit.Analysis.Theory;
using WeightInit.Gains;
using WeightInit.Random;
using WeightInit.Sampling;

namespace WeightInit.Analysis.Measurement;

/// <summary>Settings of <see cref="VarianceDiagnosis.Run"/>.</summary>
public sealed record DiagnosisOptions
{
    /// <summary>Examples in the Monte Carlo batch (256 unless set).</summary>
    public int Batch { get; init; } = 256;

    /// <summary>Root seed: the weights are drawn with <c>PhiloxKey.FromSeed(Seed).Fold(tensorName)</c>, the inputs and the output
    /// gradient under the folds "analyze/input" and "analyze/output-gradient".</summary>
    public ulong Seed { get; init; }

    /// <summary>The flag factor F: a layer is flagged when its cumulative variance ratio leaves [1/F, F] (10 unless set).</summary>
    public double Factor { get; init; } = 10;

    /// <summary>The most threads (0: all processors); the results do not depend on it.</summary>
    public int Threads { get; init; }
}

/// <summary>Whether a variance stays within the flag factor, explodes beyond it or vanishes below its inverse.</summary>
public enum VarianceFlag
{
    /// <summary>Within [1/F, F].</summary>
    None,
    /// <summary>Above F (or float32 overflow).</summary>
    Explodes,
    /// <summary>Below 1/F.</summary>
    Vanishes,
}

/// <summary>One top-level layer of a <see cref="Diagnosis"/>: predicted and measured variances, flags and a suggested fix.</summary>
/// <param name="Index">Position among the model's top-level layers, from 0.</param>
/// <param name="Name">The layer's name (as in tensor names).</param>
/// <param name="Type">dense, conv2d, activation, flatten, residual or softmax.</param>
/// <param name="Output">The layer's output shape.</param>
/// <param name="PredictedVariance">Var of the layer's output elements by <see cref="SignalPropagation"/>.</param>
/// <param name="MeasuredVariance">Var of the layer's output over the batch (+∞ when float32 overflowed).</param>
/// <param name="PredictedGradient">E[(∂C/∂x)²] for an element x of the layer's input, by the theory.</param>
/// <param name="MeasuredGradient">The same measured by back-propagation (+∞ on overflow).</param>
/// <param name="ForwardRatio">Measured output variance over the measured input variance of the network (cumulative).</param>
/// <param name="BackwardRatio">Measured E[(∂C/∂x)²] at the layer's input over E[(∂C/∂y)²] at the network's output (cumulative).</param>
/// <param name="Forward">The forward flag (weighted layers and residual blocks only).</param>
/// <param name="Backward">The backward flag (weighted layers and residual blocks only).</param>
/// <param name="Fix">What to change, in words, for a flagged layer; null when not flagged.</param>
/// <param name="FixSpec">The initializer spec to use for the layer's weight, or null when the fix is not an initializer change.</param>
public sealed record LayerDiagnosis(int Index, string Name, string Type, FeatureShape Output,
    double PredictedVariance, double MeasuredVariance, double PredictedGradient, double MeasuredGradient,
    double ForwardRatio, double BackwardRatio, VarianceFlag Forward, VarianceFlag Backward, string? Fix, string? FixSpec)
{
    /// <summary>|measured − predicted| / predicted for the forward variance (NaN when either is not finite or the prediction is 0).</summary>
    public double VarianceRelativeError => RelativeError(PredictedVariance, MeasuredVariance);

    /// <summary>|measured − predicted| / predicted for the input-gradient second moment.</summary>
    public double GradientRelativeError => RelativeError(PredictedGradient, MeasuredGradient);

    /// <summary>True when either direction is flagged.</summary>
    public bool Flagged => Forward != VarianceFlag.None || Backward != VarianceFlag.None;

    private static double RelativeError(double predicted, double measured) =>
        double.IsFinite(predicted) && double.IsFinite(measured) && predicted != 0 ? Math.Abs(measured - predicted) / Math.Abs(predicted) : double.NaN;
}

/// <summary>The result of <see cref="VarianceDiagnosis.Run"/>.</summary>
/// <param name="Model">The model diagnosed.</param>
/// <param name="Options">The settings used.</param>
/// <param name="Layers">Every top-level layer in forward order.</param>
/// <param name="Fixed">The model with every suggested initializer applied as an override rule, or null when no fix is an initializer change.</param>
/// <param name="FixedTheory">The theory's prediction for <paramref name="Fixed"/>, or null.</param>
public sealed record Diagnosis(ModelSpec Model, DiagnosisOptions Options, IReadOnlyList<LayerDiagnosis> Layers, ModelSpec? Fixed, PropagationResult? FixedTheory)
{
    /// <summary>The flagged layers.</summary>
    public IEnumerable<LayerDiagnosis> FlaggedLayers => Layers.Where(l => l.Flagged);
}

/// <summary>Per-layer variance diagnosis of an initialized model: theory beside a Monte Carlo pass, flags where the variance explodes or vanishes, and a fix per flagged layer.</summary>
/// <remarks>
/// <para><b>Prediction</b>: <see cref="SignalPropagation.Analyze"/> with unit input variance and unit output-gradient second
/// moment. <b>Measurement</b>: the model is built and initialized (<see cref="Network.Build"/>), a batch of N(0, 1)
/// inputs goes forward and an N(0, 1) output gradient goes back (so both start where the theory starts).</para>
/// <para><b>Flags</b> (dense, conv2d and residual rows): forward, the layer's output variance over the network's input
/// variance; backward, E[(∂C/∂x)²] at the layer's input over E[(∂C/∂y)²] at the output. Above F the layer is flagged
/// <see cref="VarianceFlag.Explodes"/>, below 1/F <see cref="VarianceFlag.Vanishes"/>; F = 10 by default. The ratios are the
/// measured ones (float32 overflow counts as exploding).</para>
/// <para><b>Fix</b> for a flagged dense or conv layer, from the variance-scaling rule Var W = scale/n (He et al. 2015 eq. 10):
/// with φ the activation after the layer (linear when none), scale = 1/E[φ(z)²], z ~ N(0, 1) (<see cref="Gain.SecondMoment"/>
/// squared), mode fan_in, keeps the next pre-activation's variance at 1 — 2 for ReLU (<c>he_normal</c>), 1 for linear
/// (<c>lecun_normal</c>), 2/(1 + a²) for leaky ReLU. When only the backward direction is flagged, the fan_out rule with
/// ψ the activation before the layer: scale = 1/E[ψ′(z)²] (<see cref="Gain.Backward"/> squared), times stride² for a strided
/// convolution (each input then feeds 1/stride² of the kernel's outputs). The first layer is not flagged backward: the
/// gradient at the network's input feeds no weight. When the layer already
/// has that scale (n·E[W²] within 5 %), the drift comes from earlier layers and the fix says so. A flagged residual block
/// gets the depth-scaled branch (α = 1/√L).</para>
/// </remarks>
public static class VarianceDiagnosis
{
    /// <summary>Within this relative distance the layer's own scale counts as already right.</summary>
    private const double ScaleTolerance = 0.05;

    /// <summary>Predicts, measures, flags and suggests fixes.</summary>
    /// <exception cref="ArgumentException">The model does not infer (the message names the layer and field) or an option is out of range.</exception>
    /// <exception cref="NotSupportedException">The theory cannot model an initializer or block, or an activation has no derivative.</exception>
    public static Diagnosis Run(ModelSpec model, DiagnosisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new DiagnosisOptions();
        if (options.Batch < 2) throw new ArgumentOutOfRangeException(nameof(options), options.Batch, $"The batch must hold at least 2 examples; got {options.Batch}.");
        if (!(options.Factor > 1) || !double.IsFinite(options.Factor))
            throw new ArgumentOutOfRangeException(nameof(options), options.Factor, $"The flag factor must be a finite number > 1; got {options.Factor.ToString(CultureInfo.InvariantCulture)}.");
        if (options.Threads < 0) throw new ArgumentOutOfRangeException(nameof(options), options.Threads, $"Threads must be ≥ 0; got {options.Threads}.");

        var theory = SignalPropagation.Analyze(model);
        var root = PhiloxKey.FromSeed(options.Seed);
        var net = Network.Build(model, root, options.Threads);
        int batch = options.Batch;
        var sampling = new SamplingOptions { MaxThreads = options.Threads };
        var x = new float[(long)batch * net.InputSize];
        new NormalDistribution(0, 1).Fill(root.Fold("analyze/input"), x, 0, sampling);
        var y = net.Forward(x, batch);
        var seedGradient = new float[y.Length];
        new NormalDistribution(0, 1).Fill(root.Fold("analyze/output-gradient"), seedGradient, 0, sampling);
        var inputGradient = net.Backward(seedGradient);

        double inputVariance = TensorStatistics.Of(x).Variance;
        double outputGradient = SecondMoment(TensorStatistics.Of(seedGradient));
        var layers = net.Shapes.Layers;
        var rows = new List<LayerDiagnosis>(layers.Count);
        var rules = new List<InitRule>();
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var predicted = theory.Layer(layer.Name);
            var forward = TensorStatistics.Of(net.Activations[i]);
            var gradient = TensorStatistics.Of(i == 0 ? inputGradient : net.Gradients[i - 1]);
            double measuredVariance = forward.Overflowed ? double.PositiveInfinity : forward.Variance;
            double measuredGradient = gradient.Overflowed ? double.PositiveInfinity : SecondMoment(gradient);
            double forwardRatio = measuredVariance / inputVariance, backwardRatio = measuredGradient / outputGradient;
            var fwd = VarianceFlag.None;
            var bwd = VarianceFlag.None;
            string? fix = null, spec = null;
            if (layer.Layer is Dense or Conv2d or Residual)
            {
                fwd = Classify(forwardRatio, options.Factor);
                // The gradient reaching the network's input feeds no weight: the first layer is not flagged backward.
                bwd = i == 0 ? VarianceFlag.None : Classify(backwardRatio, options.Factor);
                if (fwd != VarianceFlag.None || bwd != VarianceFlag.None)
                {
                    (fix, spec) = layer.Layer is Residual
                        ? (ResidualFix(layers.Count(l => l.Layer is Residual)), null)
                        : SuggestFix(layers, i, fwd != VarianceFlag.None);
                    if (spec is not null) rules.Add(new InitRule(layer.Weight!.Name, spec));
                }
            }
            rows.Add(new LayerDiagnosis(i, layer.Name, layer.Layer.Type, layer.Output, predicted.Output.Variance, measuredVariance,
                predicted.InputGradientSecondMoment, measuredGradient, forwardRatio, backwardRatio, fwd, bwd, fix, spec));
        }
        ModelSpec? fixedModel = null;
        PropagationResult? fixedTheory = null;
        if (rules.Count > 0)
        {
            fixedModel = model with { Rules = [.. model.Rules, .. rules] };
            fixedTheory = SignalPropagation.Analyze(fixedModel);
        }
        return new Diagnosis(model, options, rows, fixedModel, fixedTheory);
    }

    /// <summary>Explodes above <paramref name="factor"/> (or when not finite), vanishes below its inverse.</summary>
    public static VarianceFlag Classify(double ratio, double factor) =>
        !double.IsFinite(ratio) || ratio > factor ? VarianceFlag.Explodes : ratio < 1 / factor ? VarianceFlag.Vanishes : VarianceFlag.None;

    /// <summary>The variance-scaling numerator that keeps the signal's scale through the layer: (scale, mode, activation used).</summary>
    /// <remarks>Forward: 1/E[φ(z)²] with φ the activation after the layer, fan_in. Backward: 1/E[ψ′(z)²] with ψ the activation
    /// before it, fan_out. z ~ N(0, 1); "linear" when there is none.</remarks>
    public static (double Scale, string Mode, Activation Activation) PreservingScale(IReadOnlyList<InferredLayer> layers, int index, bool forward)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var phi = forward ? NextActivation(layers, index) : PreviousActivation(layers, index);
        double moment = forward ? ActivationMoments.SecondMoment(phi, 1) : ActivationMoments.DerivativeSecondMoment(phi, 1);
        if (!(moment > 0) || !double.IsFinite(moment))
            throw new InvalidOperationException($"{(forward ? "E[φ(z)²]" : "E[φ′(z)²]")} = {moment} for '{phi}', so no scale preserves the variance.");
        return (1 / moment, forward ? "fan_in" : "fan_out", phi);
    }

    private static (string Fix, string? Spec) SuggestFix(IReadOnlyList<InferredLayer> layers, int index, bool forward)
    {
        var layer = layers[index];
        var weight = layer.Weight!;
        double scale;
        string mode;
        Activation phi;
        try { (scale, mode, phi) = PreservingScale(layers, index, forward); }
        catch (InvalidOperationException e) { return ($"no variance-preserving scale: {e.Message}", null); }
        var fans = weight.Shape.Fans;
        // A stride s makes each input element feed 1/s² of the kernel's outputs (the theory's effective fan-out): the fan_out
        // rule needs s² times the scale to keep the backward signal.
        double strideSquared = layer.Layer is Conv2d { Stride: var st } ? (double)st * st : 1;
        double fan = forward ? fans.FanIn : fans.FanOut / strideSquared;
        double current = fan * ElementMoments.Of(weight.Initializer, weight.Shape).SecondMoment;
        string which = forward ? $"{phi} after it" : $"{phi} before it";
        string n = forward ? "n_in" : "n_out";
        if (Math.Abs(current / scale - 1) <= ScaleTolerance)
            return ($"{n}·E[W²] = {Format(current)} already keeps the scale ({which}): the drift comes from earlier layers.", null);
        string spec = Spec(forward ? scale : scale * strideSquared, mode, phi);
        string tradeOff = "";
        if (!forward)
        {
            // Var W chosen for the backward pass multiplies the forward variance by (new E[W²])/(old E[W²]).
            double change = scale / current;
            if (change > 2 || change < 0.5)
                tradeOff = $" This multiplies the layer's forward variance by {Format(change)} (n_in = {Format(fans.FanIn)}, n_out = {Format(fans.FanOut)}: one variance cannot keep both passes).";
        }
        return ($"{n}·E[W²] = {Format(current)}, needs {Format(scale)} for {which}: use {spec}.{tradeOff}", spec);
    }

    private static string ResidualFix(int blocks) =>
        $"scale the branch by α = 1/√L = {Format(1 / Math.Sqrt(blocks))} (L = {blocks} blocks; resmlp …:scale=1/sqrt(L)), or 1/√(2L) as GPT-2.";

    /// <summary>The registry spec for Var W = scale/n_mode with a normal distribution: he_normal / lecun_normal spellings where they are exact.</summary>
    private static string Spec(double scale, string mode, Activation phi)
    {
        string modeArg = mode == "fan_in" ? "" : "mode=fan_out";
        if (Same(scale, 2)) return modeArg.Length == 0 ? "he_normal" : $"he_normal({modeArg})";
        if (phi is { IsBuiltIn: true, Name: "leaky_relu", Parameter: { } a } && mode == "fan_in" && Same(scale, 2 / (1 + a * a)))
            return $"he_normal(negative_slope={Format(a)})";
        if (Same(scale, 1) && mode == "fan_in") return "lecun_normal";
        return $"variance_scaling(scale={scale.ToString("G6", CultureInfo.InvariantCulture)}, mode={mode}, distribution=normal)";
    }

    private static bool Same(double a, double b) => Math.Abs(a - b) <= 1e-12 * Math.Abs(b);

    private static Activation NextActivation(IReadOnlyList<InferredLayer> layers, int index)
    {
        for (int j = index + 1; j < layers.Count; j++)
        {
            if (layers[j].Layer is Flatten) continue;
            return layers[j].Layer is ActivationLayer a ? ModelSpec.ResolveActivation(a, layers[j].Name) : Activation.Linear;
        }
        return Activation.Linear;
    }

    private static Activation PreviousActivation(IReadOnlyList<InferredLayer> layers, int index)
    {
        for (int j = index - 1; j >= 0; j--)
        {
            if (layers[j].Layer is Flatten) continue;
            return layers[j].Layer is ActivationLayer a ? ModelSpec.ResolveActivation(a, layers[j].Name) : Activation.Linear;
        }
        return Activation.Linear;
    }

    private static double SecondMoment(TensorStatistics s) => s.Variance + s.Mean * s.Mean;

    private static string Format(double x) => x.ToString("G3", CultureInfo.InvariantCulture);
}
