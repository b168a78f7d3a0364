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
    /// gradient under the folds "analyze/input" and "analyze/output-gradient" (<see cref="AnalysisInputs"/>).</summary>
    public ulong Seed { get; init; }

    /// <summary>The flag factor F: a layer is flagged when its own gain or the cumulative trend leaves [1/F, F] (10 unless set; see <see cref="VarianceJudge"/>).</summary>
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

/// <summary>One layer as the user wrote it — a weighted layer (dense, conv2d, residual) with the activations, flatten and
/// softmax after it — with predicted and measured variances and the judge's verdicts.</summary>
/// <param name="Index">The layer's position among the user's layers, from 0 (activations do not count).</param>
/// <param name="Name">The weighted layer's name (as in tensor names: <c>layer2.weight</c>).</param>
/// <param name="Type">What the layer is, e.g. "dense+relu", "conv2d+relu+flatten".</param>
/// <param name="Members">The names of the model's top-level layers it groups, in order.</param>
/// <param name="Output">The output shape of its last member.</param>
/// <param name="PredictedVariance">Var of the layer's output elements by <see cref="SignalPropagation"/>.</param>
/// <param name="MeasuredVariance">Var of the layer's output over the batch (+∞ when float32 overflowed).</param>
/// <param name="PredictedGradient">E[(∂C/∂x)²] for an element x of the layer's input, by the theory.</param>
/// <param name="MeasuredGradient">The same measured by back-propagation (+∞ on overflow).</param>
/// <param name="Theory">The judge's verdict on the predicted gains.</param>
/// <param name="Measured">The judge's verdict on the measured gains: the flags shown.</param>
/// <param name="Fix">What to change for this layer, in words, or null.</param>
/// <param name="FixSpec">The initializer tried for the layer's weight, or null.</param>
public sealed record LayerDiagnosis(int Index, string Name, string Type, IReadOnlyList<string> Members, FeatureShape Output,
    double PredictedVariance, double MeasuredVariance, double PredictedGradient, double MeasuredGradient,
    LayerVerdict Theory, LayerVerdict Measured, string? Fix = null, string? FixSpec = null)
{
    /// <summary>|measured − predicted| / predicted for the forward variance (NaN when either is not finite or the prediction is 0).</summary>
    public double VarianceRelativeError => RelativeError(PredictedVariance, MeasuredVariance);

    /// <summary>|measured − predicted| / predicted for the input-gradient second moment.</summary>
    public double GradientRelativeError => RelativeError(PredictedGradient, MeasuredGradient);

    /// <summary>True when the measured gains are flagged in either direction, own or cumulative.</summary>
    public bool Flagged => Measured.Flagged;

    private static double RelativeError(double predicted, double measured) =>
        double.IsFinite(predicted) && double.IsFinite(measured) && predicted != 0 ? Math.Abs(measured - predicted) / Math.Abs(predicted) : double.NaN;
}

/// <summary>A candidate fix, re-run: the model with the suggested initializers, measured and predicted again.</summary>
/// <param name="Rules">The override rules tried (one per changed weight).</param>
/// <param name="Model">The model with the rules applied.</param>
/// <param name="Layers">The re-run, layer by layer.</param>
/// <param name="Accepted">True when neither the re-run's theory nor its measurement flags any layer: the flagged quantities are
/// within the factor and nothing else was pushed beyond it.</param>
public sealed record FixAttempt(IReadOnlyList<InitRule> Rules, ModelSpec Model, IReadOnlyList<LayerDiagnosis> Layers, bool Accepted);

/// <summary>The result of <see cref="VarianceDiagnosis.Run"/>.</summary>
/// <param name="Model">The model diagnosed.</param>
/// <param name="Options">The settings used.</param>
/// <param name="Layers">Every layer as the user wrote it, in forward order.</param>
/// <param name="Attempt">The initializer fix tried and re-run, or null when nothing was flagged or no initializer change applies.</param>
/// <param name="Advice">Null when nothing is flagged or the attempt was accepted; otherwise why no single-initializer fix exists and what would help.</param>
public sealed record Diagnosis(ModelSpec Model, DiagnosisOptions Options, IReadOnlyList<LayerDiagnosis> Layers, FixAttempt? Attempt, string? Advice)
{
    /// <summary>The flagged layers.</summary>
    public IEnumerable<LayerDiagnosis> FlaggedLayers => Layers.Where(l => l.Flagged);

    /// <summary>The accepted fix, or null.</summary>
    public FixAttempt? Fix => Attempt is { Accepted: true } a ? a : null;

    /// <summary>The judge's notes on healthy shape-implied gains.</summary>
    public IEnumerable<string> Notes => Layers.Select(l => l.Measured.Note).OfType<string>();
}

/// <summary>Per-layer variance diagnosis of an initialized model: theory beside a Monte Carlo pass, judged by
/// <see cref="VarianceJudge"/>, and a fix that is suggested only once its re-run passes.</summary>
/// <remarks>
/// <para><b>Prediction</b>: <see cref="SignalPropagation.Analyze"/> with unit input variance and unit output-gradient second
/// moment. <b>Measurement</b>: the model is built and initialized (<see cref="Network.Build"/>), a batch of N(0, 1)
/// inputs goes forward and an N(0, 1) output gradient goes back (so both start where the theory starts).</para>
/// <para><b>Layers</b> are the user's: a weighted layer with the activations after it. Each gets its forward and backward
/// gain and fans (the theory's effective fans: stride and padding counted) and both sequences go to <see cref="VarianceJudge.Judge"/>.</para>
/// <para><b>Fix</b>: when the measured gains are flagged forward, every dense or conv layer whose n_in·E[W²] is more than 5 %
/// from 1/E[φ(z)²] (φ the activation after it, z ~ N(0, 1); He et al. 2015 eq. 10) gets that variance-scaling rule, fan_in;
/// when only backward, 1/E[ψ′(z)²] (ψ the activation before it), still fan_in, since the judge has already divided the
/// backward gain by fan_out/fan_in. Candidates are re-run (theory and Monte Carlo, same seed), smallest first — the layers
/// whose own gain is flagged, then every layer off its preserving scale — and the first whose re-run flags nothing is the
/// fix; otherwise <see cref="Diagnosis.Advice"/> says what was tried and what would help instead (or, when the re-run's
/// theory is clean but its draw is not, that a narrow deep network drifts from the average by chance). Residual blocks
/// are not changed by an initializer fix: their remedy (the depth-scaled branch) is in the advice.</para>
/// </remarks>
public static class VarianceDiagnosis
{
    /// <summary>Within this relative distance the layer's own scale counts as already right.</summary>
    private const double ScaleTolerance = 0.05;

    /// <summary>Predicts, measures, judges and, for a flagged model, tries and re-runs a fix.</summary>
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
        CheckFits(model, options.Batch);

        var (rows, shapes) = Measure(model, options);
        if (!rows.Any(r => r.Flagged)) return new Diagnosis(model, options, rows, null, null);

        bool forward = rows.Any(r => r.Measured.ForwardFlagged);
        var layers = shapes.Layers;
        var suggested = new List<(string? Fix, InitRule? Rule)>(rows.Count);
        foreach (var row in rows)
        {
            int i = layers.ToList().FindIndex(l => l.Name == row.Name);
            var layer = layers[i];
            if (layer.Layer is not (Dense or Conv2d)) { suggested.Add((null, null)); continue; }
            var (fix, spec) = SuggestFix(layers, i, forward);
            suggested.Add((fix, spec is null ? null : new InitRule(layer.Weight!.Name, spec)));
        }

        // The smallest change first: the layers whose own gain is flagged; then every layer off its preserving scale.
        FixAttempt? attempt = null;
        foreach (var candidate in VarianceJudge.Candidates(rows.Select(r => r.Measured).ToList(), suggested.Select(s => s.Rule).ToList()))
        {
            var fixedModel = model with { Rules = [.. model.Rules, .. candidate] };
            var (rerun, _) = Measure(fixedModel, options);
            attempt = new FixAttempt(candidate, fixedModel, rerun, rerun.All(r => !r.Flagged && !r.Theory.Flagged));
            if (attempt.Accepted) break;
        }

        var withFixes = new List<LayerDiagnosis>(rows.Count);
        for (int g = 0; g < rows.Count; g++)
        {
            var (fix, rule) = suggested[g];
            var row = rows[g];
            if (rule is not null && attempt is not null && !attempt.Rules.Contains(rule))
            {
                fix = row.Flagged ? $"{fix} Not changed: the re-run of the other changes flags nothing." : null;
                rule = null;
            }
            else if (rule is null && !row.Flagged) fix = null;
            withFixes.Add(row with { Fix = fix, FixSpec = rule?.Initializer });
        }
        string? advice = attempt is { Accepted: true } ? null : Advice(attempt, layers, options.Factor);
        return new Diagnosis(model, options, withFixes, attempt, advice);
    }

    /// <summary>Refuses, before any allocation, a model whose Monte Carlo pass cannot fit: every parameter tensor and every layer's
    /// batch of inputs and outputs is one float32 array (at most <see cref="Array.MaxLength"/> elements), and the parameters, their
    /// gradients and the batch's activations together must fit the memory the runtime may use.</summary>
    /// <exception cref="ArgumentException">Something does not fit; the message names the tensor or layer and the sizes.</exception>
    internal static void CheckFits(ModelSpec model, int batch)
    {
        var shapes = model.Infer();
        double values = (double)batch * model.Input.ElementCount;
        foreach (var layer in ModelShapes.Walk(shapes.Layers))
        {
            foreach (var p in layer.Parameters)
            {
                if (p.Shape.ElementCount > Array.MaxLength)
                    throw new ArgumentException($"{layer.Name}: tensor {p.Name} {p.Shape} has {p.Shape.ElementCount} elements, " +
                        $"more than the {Array.MaxLength} one array holds; use narrower layers.");
                values += 2.0 * p.Shape.ElementCount;
            }
            long features = Math.Max(layer.Input.ElementCount, layer.Output.ElementCount);
            if ((double)batch * features > Array.MaxLength)
                throw new ArgumentException($"{layer.Name}: a batch of {batch} × {features} features is {(long)batch * features} values, " +
                    $"more than the {Array.MaxLength} one array holds; use a smaller batch (at most {Array.MaxLength / features}).");
            values += (double)batch * layer.Output.ElementCount;
        }
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (available > 0 && 4 * values > available)
            throw new ArgumentException($"Model '{model.Name}' with a batch of {batch} needs at least {(4 * values / (1L << 30)).ToString("0.#", CultureInfo.InvariantCulture)} GiB " +
                $"(float32 parameters, their gradients and the batch's activations), more than the {(available / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture)} GiB of memory available; " +
                "use narrower or fewer layers or a smaller batch.");
    }

    /// <summary>Explodes above <paramref name="factor"/> (or when not finite), vanishes below its inverse.</summary>
    public static VarianceFlag Classify(double ratio, double factor) => VarianceJudge.Classify(ratio, factor);

    /// <summary>Theory and one Monte Carlo pass, grouped into the user's layers and judged.</summary>
    private static (List<LayerDiagnosis> Rows, ModelShapes Shapes) Measure(ModelSpec model, DiagnosisOptions options)
    {
        var theory = SignalPropagation.Analyze(model);
        var root = PhiloxKey.FromSeed(options.Seed);
        var net = Network.Build(model, root, options.Threads);
        int batch = options.Batch;
        var sampling = new SamplingOptions { MaxThreads = options.Threads };
        var x = AnalysisInputs.Input(root, (long)batch * net.InputSize, sampling);
        net.Forward(x, batch);
        var seedGradient = AnalysisInputs.OutputGradient(root, (long)batch * net.OutputSize, sampling);
        var inputGradient = net.Backward(seedGradient);

        var layers = net.Shapes.Layers;
        var groups = Group(layers);
        var measured = new List<LayerGains>(groups.Count);
        var predicted = new List<LayerGains>(groups.Count);
        var shown = new List<(double PredVar, double MeasVar, double PredGrad, double MeasGrad)>(groups.Count);
        foreach (var (first, last) in groups)
        {
            var weighted = Enumerable.Range(first, last - first + 1).Select(j => layers[j]).FirstOrDefault(l => l.Layer is Dense or Conv2d or Residual) ?? layers[first];
            var wt = theory.Layer(weighted.Name);
            double fanIn = wt.EffectiveFanIn ?? 1, fanOut = wt.EffectiveFanOut ?? 1;
            var tIn = theory.Layer(layers[first].Name);
            var tOut = theory.Layer(layers[last].Name);
            double inVar = Variance(first == 0 ? x : net.Activations[first - 1]);
            double outVar = Variance(net.Activations[last]);
            double gradIn = SecondMoment(first == 0 ? inputGradient : net.Gradients[first - 1]);
            double gradOut = SecondMoment(net.Gradients[last]);
            string name = weighted.Name;
            measured.Add(new LayerGains(name, inVar, outVar, gradIn / gradOut, fanIn, fanOut));
            predicted.Add(new LayerGains(name, tIn.Input.Variance, tOut.Output.Variance, tIn.InputGradientSecondMoment / tOut.OutputGradientSecondMoment, fanIn, fanOut));
            shown.Add((tOut.Output.Variance, outVar, tIn.InputGradientSecondMoment, gradIn));
        }
        var m = VarianceJudge.Judge(measured, options.Factor);
        var t = VarianceJudge.Judge(predicted, options.Factor);
        var rows = new List<LayerDiagnosis>(groups.Count);
        for (int g = 0; g < groups.Count; g++)
        {
            var (first, last) = groups[g];
            var members = Enumerable.Range(first, last - first + 1).Select(j => layers[j]).ToList();
            rows.Add(new LayerDiagnosis(g, measured[g].Name, string.Join("+", members.Select(Describe)), members.Select(l => l.Name).ToList(),
                layers[last].Output, shown[g].PredVar, shown[g].MeasVar, shown[g].PredGrad, shown[g].MeasGrad, t[g], m[g]));
        }
        return (rows, net.Shapes);
    }

    /// <summary>The user's layers: each weighted layer with the unweighted layers after it (those before the first join it).</summary>
    private static List<(int First, int Last)> Group(IReadOnlyList<InferredLayer> layers)
    {
        var groups = new List<(int First, int Last)>();
        int start = 0;
        bool hasWeight = false;
        for (int i = 0; i < layers.Count; i++)
        {
            bool weighted = layers[i].Layer is Dense or Conv2d or Residual;
            if (weighted && hasWeight)
            {
                groups.Add((start, i - 1));
                start = i;
            }
            hasWeight |= weighted;
        }
        if (layers.Count > 0) groups.Add((start, layers.Count - 1));
        return groups;
    }

    private static string Describe(InferredLayer l) => l.Layer is ActivationLayer a ? ModelSpec.ResolveActivation(a, l.Name).ToString() : l.Layer.Type;

    private static string Advice(FixAttempt? attempt, IReadOnlyList<InferredLayer> layers, double factor) =>
        Advice(attempt is null ? null : string.Join(", ", attempt.Rules.Select(r => $"{r.Pattern}={r.Initializer}")),
            attempt?.Layers.Where(r => r.Theory.Flagged).Select(r => r.Name).ToList() ?? [],
            attempt?.Layers.Where(r => r.Flagged).Select(r => r.Name).ToList() ?? [],
            layers.Count(l => l.Layer is Residual), factor);

    /// <summary>Why no single-initializer fix is suggested, and what would help.</summary>
    /// <param name="tried">The rules tried, as "pattern=spec, …", or null when no initializer change applied.</param>
    /// <param name="theory">The layers the re-run's theory still flags.</param>
    /// <param name="measured">The layers the re-run's measurement still flags.</param>
    /// <param name="residualBlocks">Residual blocks in the model (0: none).</param>
    /// <param name="factor">The flag factor.</param>
    public static string Advice(string? tried, IReadOnlyList<string> theory, IReadOnlyList<string> measured, int residualBlocks, double factor)
    {
        ArgumentNullException.ThrowIfNull(theory);
        ArgumentNullException.ThrowIfNull(measured);
        var text = new System.Text.StringBuilder();
        if (tried is not null)
        {
            if (theory.Count == 0)
            {
                // The change is right on average; this draw's finite-width fluctuation (growing with depth over width) is what is left.
                return $"Tried {tried}: the re-run's theory flags nothing, but its Monte Carlo still flags {string.Join(", ", measured)} beyond ×{Format(factor)}. " +
                       "The theory is the average over weight draws; a narrow, deep network drifts from it by chance (the spread of log Var grows " +
                       "like depth/width), so this draw is not called fixed. What would help: wider layers, or normalization (batch or layer norm) between layers.";
            }
            text.Append($"Tried {tried}; re-run (theory and Monte Carlo) still flags {string.Join(", ", theory.Union(measured))} beyond ×{Format(factor)}, so it is not suggested. ");
        }
        text.Append("No single-initializer fix exists for this network; what would: ");
        var remedies = new List<string>();
        if (residualBlocks > 0) remedies.Add(ResidualFix(residualBlocks));
        else remedies.Add("a depth-scaled residual connection (x + W/√L)");
        remedies.Add("a different activation whose variance map has a stable fixed point (ReLU with he_normal, SELU with lecun_normal)");
        remedies.Add("normalization (batch or layer norm) between layers");
        text.Append(string.Join("; ", remedies)).Append('.');
        return text.ToString();
    }

    /// <summary>The variance-scaling numerator, mode fan_in, that keeps the signal's scale through the layer: (scale, activation used).</summary>
    /// <remarks>Forward: 1/E[φ(z)²] with φ the activation after the layer. Backward: 1/E[ψ′(z)²] with ψ the activation before
    /// it — in fan_in terms, since the judge divides the backward gain by fan_out/fan_in. z ~ N(0, 1); "linear" when there is none.</remarks>
    public static (double Scale, Activation Activation) PreservingScale(IReadOnlyList<InferredLayer> layers, int index, bool forward)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var phi = forward ? NextActivation(layers, index) : PreviousActivation(layers, index);
        return (PreservingScale(phi, forward), phi);
    }

    /// <summary>The variance-scaling numerator, mode fan_in, that keeps the signal's scale through a layer whose activation is
    /// <paramref name="phi"/>: 1/E[φ(z)²] forward (φ after the layer), 1/E[φ′(z)²] backward (φ before it); z ~ N(0, 1).</summary>
    /// <exception cref="InvalidOperationException">The moment is 0 or not finite, so no scale preserves the variance.</exception>
    public static double PreservingScale(Activation phi, bool forward)
    {
        ArgumentNullException.ThrowIfNull(phi);
        double moment = forward ? ActivationMoments.SecondMoment(phi, 1) : ActivationMoments.DerivativeSecondMoment(phi, 1);
        if (!(moment > 0) || !double.IsFinite(moment))
            throw new InvalidOperationException($"{(forward ? "E[φ(z)²]" : "E[φ′(z)²]")} = {moment} for '{phi}', so no scale preserves the variance.");
        return 1 / moment;
    }

    private static (string Fix, string? Spec) SuggestFix(IReadOnlyList<InferredLayer> layers, int index, bool forward)
    {
        var weight = layers[index].Weight!;
        var phi = forward ? NextActivation(layers, index) : PreviousActivation(layers, index);
        return SuggestInitializer(weight.Shape.Fans.FanIn * ElementMoments.Of(weight.Initializer, weight.Shape).SecondMoment, phi, forward);
    }

    /// <summary>What to change for one weighted layer whose current n_in·E[W²] is <paramref name="current"/>, next to the activation
    /// <paramref name="phi"/> (after it when <paramref name="forward"/>, before it otherwise): the words, and the initializer spec to
    /// re-run, or null when the scale is already within 5 % of the preserving one (or none exists).</summary>
    public static (string Fix, string? Spec) SuggestInitializer(double current, Activation phi, bool forward)
    {
        ArgumentNullException.ThrowIfNull(phi);
        double scale;
        try { scale = PreservingScale(phi, forward); }
        catch (InvalidOperationException e) { return ($"no variance-preserving scale: {e.Message}", null); }
        string which = forward ? $"{phi} after it" : $"{phi}′ before it";
        if (Math.Abs(current / scale - 1) <= ScaleTolerance)
            return ($"n_in·E[W²] = {Format(current)} already keeps the scale ({which}): the drift does not come from this layer's initializer.", null);
        string spec = Spec(scale, phi);
        return ($"n_in·E[W²] = {Format(current)}, needs {Format(scale)} for {which}: {spec}.", spec);
    }

    private static string ResidualFix(int blocks) =>
        $"scale each residual branch by α = 1/√L = {Format(1 / Math.Sqrt(blocks))} (L = {blocks} blocks; resmlp …:scale=1/sqrt(L)), or 1/√(2L) as GPT-2";

    /// <summary>The registry spec for Var W = scale/fan_in with a normal distribution: he_normal / lecun_normal spellings where they are exact.</summary>
    private static string Spec(double scale, Activation phi)
    {
        if (Same(scale, 2)) return "he_normal";
        if (phi is { IsBuiltIn: true, Name: "leaky_relu", Parameter: { } a } && Same(scale, 2 / (1 + a * a)))
            return $"he_normal(negative_slope={Format(a)})";
        if (Same(scale, 1)) return "lecun_normal";
        return $"variance_scaling(scale={scale.ToString("G6", CultureInfo.InvariantCulture)}, mode=fan_in, distribution=normal)";
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

    private static double Variance(float[] values)
    {
        var s = TensorStatistics.Of(values);
        return s.Overflowed ? double.PositiveInfinity : s.Variance;
    }

    private static double SecondMoment(float[] values)
    {
        var s = TensorStatistics.Of(values);
        return s.Overflowed ? double.PositiveInfinity : s.Variance + s.Mean * s.Mean;
    }

    private static string Format(double x) => x.ToString("G3", CultureInfo.InvariantCulture);
}
