using System.Text.RegularExpressions;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using WeightInit.Analysis.Measurement;
using WeightInit.Analysis.Theory;
using WeightInit.Checkpoints;
using WeightInit.Gains;
using WeightInit.Initializers;
using WeightInit.Onnx.Proto;
using WeightInit.Random;
using WeightInit.Sampling;

namespace WeightInit.Onnx;

/// <summary>Options of <see cref="OnnxAnalysis.Run"/>.</summary>
public sealed record OnnxAnalysisOptions
{
    /// <summary>The size of every dynamic input dimension (the batch, for torch exports with dynamic axes).</summary>
    public int Batch { get; init; } = 256;

    /// <summary>The most input values fed in all (2²⁴, 64 MiB of float32): every node output is held as well, so a larger batch or
    /// input shape is refused before anything is allocated.</summary>
    public const int MaxInputElements = 1 << 24;

    /// <summary>Shapes of graph inputs, by name, replacing the model's (needed where an input has dynamic dimensions besides the batch).</summary>
    public IReadOnlyDictionary<string, int[]> InputShapes { get; init; } = new Dictionary<string, int[]>();

    /// <summary>The seed of the inputs: N(0, 1) values keyed as <see cref="AnalysisInputs"/> says (the only input under
    /// <c>PhiloxKey.FromSeed(Seed).Fold("analyze/input")</c>, as for <c>analyze --mlp</c>; with several inputs, input NAME under
    /// <c>….Fold("analyze/input/NAME")</c>).</summary>
    public ulong Seed { get; init; }

    /// <summary>The flag factor F of <see cref="VarianceJudge"/>.</summary>
    public double Factor { get; init; } = 10;

    /// <summary>For tests: called with each fed input's and each measured node output's name and values, as ONNX Runtime saw them.</summary>
    internal Action<string, float[]>? Observe { get; init; }
}

/// <summary>One node output of an analyzed ONNX model.</summary>
/// <param name="Index">The node's position in graph order.</param>
/// <param name="Node">The node's name (or "#index" when it has none).</param>
/// <param name="OpType">The op.</param>
/// <param name="Output">The output value's name.</param>
/// <param name="Shape">Its shape in this run.</param>
/// <param name="Mean">The measured mean over every element.</param>
/// <param name="Variance">The measured variance over every element (+∞ after a float overflow).</param>
/// <param name="TheoryVariance">The variance the moment recursion predicts, or null where an op on the way has no rule.</param>
/// <param name="Layer">The <see cref="OnnxLayer.Index"/> of the layer the node belongs to, or null (a node before the first
/// weighted node that is not part of it, or a computation on constants).</param>
public sealed record OnnxNodeStatistics(int Index, string Node, string OpType, string Output, IReadOnlyList<long> Shape, double Mean, double Variance,
    double? TheoryVariance, int? Layer);

/// <summary>One layer of an ONNX model as its author wrote it: a weighted node (Gemm, MatMul or Conv with a planned weight,
/// ConvTranspose) with the nodes after it up to the next weighted one (its bias Add, its activation, shape ops).</summary>
/// <param name="Index">Its position among the model's layers, from 0.</param>
/// <param name="Name">The weight's name without a trailing ".weight" (torch's module path: "0", "fc1", "encoder.layers.0.linear1").</param>
/// <param name="Weight">The weight initializer.</param>
/// <param name="Type">The ops, joined by "+" ("Gemm+Relu").</param>
/// <param name="Members">The node names, in graph order.</param>
/// <param name="Activation">The activation after the weight (linear when none), or null when a member op has no rule here.</param>
/// <param name="InputVariance">Measured Var of the weighted node's data input.</param>
/// <param name="OutputVariance">Measured Var of the last member's output (+∞ on overflow).</param>
/// <param name="TheoryVariance">The moment recursion's Var of that output, or null.</param>
/// <param name="Verdict">The judge's verdict: forward gains measured by ONNX Runtime; the backward gain from theory,
/// fan_out·E[W²]·E[φ′(z)²] with z at the measured pre-activation variance (the inference package has no backward).</param>
/// <param name="Fix">What to change for this layer, in words, or null.</param>
/// <param name="FixSpec">The initializer the re-run used for its weight, or null.</param>
public sealed record OnnxLayer(int Index, string Name, string Weight, string Type, IReadOnlyList<string> Members, Activation? Activation,
    double InputVariance, double OutputVariance, double? TheoryVariance, LayerVerdict Verdict, string? Fix = null, string? FixSpec = null)
{
    /// <summary>True when any of the judge's four judgements is flagged.</summary>
    public bool Flagged => Verdict.Flagged;
}

/// <summary>A candidate fix, re-run in ONNX Runtime: the model planned again with the rules, measured and judged again.</summary>
/// <param name="Rules">One rule per changed weight.</param>
/// <param name="Rerun">The re-run.</param>
/// <param name="Accepted">True when the re-run flags no layer: the flagged quantities are within the factor and nothing else was pushed beyond it.</param>
public sealed record OnnxFixAttempt(IReadOnlyList<TensorRule> Rules, OnnxAnalysis Rerun, bool Accepted);

/// <summary>A variance analysis of an ONNX model initialized by a plan, run with ONNX Runtime and judged by <see cref="VarianceJudge"/>
/// as <c>analyze</c> judges our own models (<see cref="VarianceDiagnosis"/>).</summary>
/// <param name="Nodes">Every float node output, in graph order.</param>
/// <param name="Layers">The layers as the author wrote them, with the judge's verdicts.</param>
/// <param name="InputVariance">The measured variance of the (Gaussian) inputs.</param>
/// <param name="Options">The options used.</param>
/// <param name="Attempt">The fix tried and re-run, or null when nothing was flagged or no initializer change applies.</param>
/// <param name="Advice">Null when nothing is flagged or the attempt was accepted; otherwise why no single-initializer fix exists and what would help.</param>
public sealed record OnnxAnalysis(IReadOnlyList<OnnxNodeStatistics> Nodes, IReadOnlyList<OnnxLayer> Layers, double InputVariance, OnnxAnalysisOptions Options,
    OnnxFixAttempt? Attempt = null, string? Advice = null)
{
    /// <summary>Ops that carry a weight the judge can place.</summary>
    private static readonly HashSet<string> Weighted = new(StringComparer.Ordinal) { "Gemm", "MatMul", "Conv", "ConvTranspose" };

    private static readonly HashSet<string> Unchanged = new(StringComparer.Ordinal) { "Identity", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Dropout" };

    private static readonly HashSet<string> ConstantPassThrough = new(StringComparer.Ordinal) { "Identity", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Cast" };

    /// <summary>The flagged layers.</summary>
    public IEnumerable<OnnxLayer> Flagged => Layers.Where(l => l.Flagged);

    /// <summary>The accepted fix, or null.</summary>
    public OnnxFixAttempt? Fix => Attempt is { Accepted: true } a ? a : null;

    /// <summary>The judge's notes on healthy shape-implied gains (a classifier head).</summary>
    public IEnumerable<string> Notes => Layers.Select(l => l.Verdict.Note).OfType<string>();

    /// <summary>Fills the model's initializers with <paramref name="weights"/> (made from <paramref name="plan"/>), adds every node output as a graph
    /// output, feeds keyed N(0, 1) inputs, measures each output's mean and variance beside the moment recursion's prediction, judges
    /// the layers, and for a flagged model tries and re-runs a fix.</summary>
    /// <remarks>
    /// <para><b>Measured</b>: forward only (ONNX Runtime's inference package has no backward pass). One intra-op thread, so the
    /// numbers depend on the seed alone.</para>
    /// <para><b>Theory</b>, with E[x] = 0 and x independent of zero-mean weights: Gemm, MatMul (constant weight), Conv and ConvTranspose
    /// (stride 1) give Var y = fan_in·E[W²]·E[x²] + E[b²] (fan_in the planned one; a padded convolution's border outputs have fewer
    /// terms, so its measured variance is lower); Add of a constant adds its variance; Relu gives E[y²] = Var z / 2 and
    /// Var y = Var z·(1/2 − 1/(2π)) for symmetric z, the other known activations their Gaussian moments; shape ops keep it.
    /// Any other op ends the prediction for what it feeds.</para>
    /// <para><b>Layers and flags</b>: each weighted node with the nodes after it is one layer (numbered as the author wrote them);
    /// <see cref="VarianceJudge.Judge"/> judges its own forward gain (measured output over input variance), its backward gain
    /// (theory: fan_out·E[W²]·E[φ′(z)²], z at the measured pre-activation variance; not judged where an op has no rule), the
    /// cumulative trends separately, and writes a note instead of a flag where the shrinkage is what the shape implies (a head).</para>
    /// <para><b>Fix</b>: as <see cref="VarianceDiagnosis"/>: every weighted layer whose n_in·E[W²] is more than 5 % from the
    /// preserving scale of its activation (after it when the forward is flagged, before it otherwise) gets that variance-scaling
    /// rule; the rules of the layers whose own gain is flagged are re-run first, then all (<see cref="VarianceJudge.Candidates"/>).
    /// The model is planned again with the rules (<see cref="OnnxPlan.Options"/> plus one rule per weight), its weights drawn with
    /// the same seed and generator, and run again by ONNX Runtime; the fix is accepted only when the re-run flags nothing.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">An input is not float, or has a dynamic dimension <see cref="OnnxAnalysisOptions.InputShapes"/> does not fix.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime cannot run the model.</exception>
    public static OnnxAnalysis Run(OnnxPlan plan, CheckpointPlan weights, OnnxAnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(weights);
        options ??= new OnnxAnalysisOptions();
        if (options.Batch < 2) throw new ArgumentException($"The batch must hold at least 2 examples; got {options.Batch}.");
        if (!(options.Factor > 1) || !double.IsFinite(options.Factor)) throw new ArgumentException($"The flag factor must be a finite number > 1; got {options.Factor}.");
        string path = plan.Model.Path;
        var (analysis, candidates) = Measure(plan, weights, options);
        if (!analysis.Layers.Any(l => l.Flagged)) return analysis;

        OnnxFixAttempt? attempt = null;
        foreach (var rules in VarianceJudge.Candidates(analysis.Layers.Select(l => l.Verdict).ToList(), candidates.Select(c => c.Rule).ToList()))
        {
            var again = OnnxPlanner.Plan(OnnxModel.Load(path), plan.Options with { Policy = plan.Options.Policy.Then(new InitPolicy { Rules = rules }) });
            var (rerun, _) = Measure(again, again.ToCheckpointPlan(weights.Seed, weights.Generator), options with { Observe = null });
            attempt = new OnnxFixAttempt(rules, rerun, !rerun.Layers.Any(l => l.Flagged));
            if (attempt.Accepted) break;
        }
        var layers = new List<OnnxLayer>(analysis.Layers.Count);
        for (int g = 0; g < analysis.Layers.Count; g++)
        {
            var (fix, rule) = candidates[g];
            var layer = analysis.Layers[g];
            if (rule is not null && attempt is not null && !attempt.Rules.Contains(rule))
            {
                fix = layer.Flagged ? $"{fix} Not changed: the re-run of the other changes flags nothing." : null;
                rule = null;
            }
            else if (rule is null && !layer.Flagged) fix = null;
            layers.Add(layer with { Fix = fix, FixSpec = rule?.Initializer });
        }
        string? advice = attempt is { Accepted: true } ? null
            : VarianceDiagnosis.Advice(attempt is null ? null : Describe(attempt.Rules),
                attempt?.Rerun.Flagged.Select(l => l.Name).ToList() ?? [], attempt?.Rerun.Flagged.Select(l => l.Name).ToList() ?? [], 0, options.Factor);
        return analysis with { Layers = layers, Attempt = attempt, Advice = advice };
    }

    /// <summary>Rules as "weight=spec, …".</summary>
    public static string Describe(IEnumerable<TensorRule> rules) =>
        string.Join(", ", (rules ?? throw new ArgumentNullException(nameof(rules))).Select(r => $"{Regex.Unescape(r.Regex ?? r.Pattern!)}={r.Initializer}"));

    /// <summary>One run: ONNX Runtime, statistics, theory, layers and their verdicts; and per layer the fix a re-run would try.</summary>
    private static (OnnxAnalysis Analysis, List<(string? Fix, TensorRule? Rule)> Candidates) Measure(OnnxPlan plan, CheckpointPlan weights, OnnxAnalysisOptions options)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"weightinit-analyze-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string initialized = Path.Combine(folder, "model.onnx");
            OnnxWriter.Write(plan, weights, initialized);
            var graph = plan.Model.Graph;
            var existing = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
            var outputs = new List<(int Node, string Name)>();
            for (int n = 0; n < graph.Node.Count; n++)
            {
                var node = graph.Node[n];
                if (node.OpType == "Constant") continue;
                foreach (string o in node.Output)
                {
                    if (o.Length == 0) continue;
                    outputs.Add((n, o));
                    if (existing.Add(o)) graph.Output.Add(new ValueInfoProto { Name = o });
                }
            }
            string probed = Path.Combine(folder, "probed.onnx");
            using (var stream = File.Create(probed)) plan.Model.Proto.WriteTo(stream);

            using var session = new InferenceSession(probed, new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 });
            var root = PhiloxKey.FromSeed(options.Seed);
            var feeds = new List<NamedOnnxValue>();
            var variances = new Dictionary<string, double>(StringComparer.Ordinal);
            double sum = 0, sumSquares = 0;
            long count = 0;
            bool single = session.InputMetadata.Count == 1;
            long fed = 0;
            foreach (var (name, meta) in session.InputMetadata)
            {
                if (meta.ElementType != typeof(float))
                    throw new ArgumentException($"Input '{name}' holds {meta.ElementType.Name}; analyze feeds N(0, 1) values to float inputs only.");
                int[] dims = options.InputShapes.TryGetValue(name, out var given) ? given : meta.Dimensions.Select((d, i) => d > 0 ? d : i == 0 ? options.Batch : -1).ToArray();
                if (dims.Any(d => d < 0))
                    throw new ArgumentException($"Input '{name}' has dynamic dimensions [{string.Join(", ", meta.Dimensions)}] besides the batch; give --input {name}=SHAPE.");
                if (dims.Any(d => d == 0))
                    throw new ArgumentException($"Input '{name}' would have shape [{string.Join(", ", dims)}], with no elements; every dimension must be at least 1.");
                long elements = 1;
                foreach (int d in dims) elements = Math.Min(elements * d, OnnxAnalysisOptions.MaxInputElements + 1L);
                fed += elements;
                if (fed > OnnxAnalysisOptions.MaxInputElements)
                    throw new ArgumentException($"Input '{name}' of shape [{string.Join(", ", dims)}] makes more than {OnnxAnalysisOptions.MaxInputElements.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} input values in all, the most analyze feeds (every node output is held too); use a smaller --batch or --input shape.");
                var values = AnalysisInputs.Gaussian(AnalysisInputs.InputKey(root, single ? null : name), elements);
                foreach (float v in values) { sum += v; sumSquares += (double)v * v; }
                count += values.Length;
                variances[name] = Variance(values);
                options.Observe?.Invoke(name, values);
                feeds.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(values, dims)));
            }
            double inputVariance = sumSquares / count - (sum / count) * (sum / count);
            var wanted = outputs.Select(o => o.Name).Distinct().Where(n => session.OutputMetadata.TryGetValue(n, out var m) && m.ElementType == typeof(float)).ToList();
            using var results = session.Run(feeds, wanted);
            var byName = results.ToDictionary(r => r.Name, r => r.AsTensor<float>(), StringComparer.Ordinal);

            var moments = WeightMoments(plan, weights);
            var theory = Theory(plan, moments);
            var stats = new Dictionary<string, (double Mean, double Variance, long[] Shape)>(StringComparer.Ordinal);
            foreach (var (_, name) in outputs)
            {
                if (stats.ContainsKey(name) || !byName.TryGetValue(name, out var tensor)) continue;
                var values = tensor.ToArray();
                options.Observe?.Invoke(name, values);
                var s = TensorStatistics.Of(values);
                stats[name] = (s.Mean, s.Overflowed ? double.PositiveInfinity : s.Variance, tensor.Dimensions.ToArray().Select(d => (long)d).ToArray());
                variances[name] = stats[name].Variance;
            }
            var (layers, candidates, nodeLayer) = Judge(plan, moments, theory, variances, options.Factor);
            var rows = new List<OnnxNodeStatistics>();
            foreach (var (n, name) in outputs)
            {
                if (!stats.TryGetValue(name, out var s)) continue;
                var node = graph.Node[n];
                rows.Add(new OnnxNodeStatistics(n, string.IsNullOrEmpty(node.Name) ? $"#{n}" : node.Name, node.OpType, name, s.Shape, s.Mean, s.Variance,
                    theory.TryGetValue(name, out var t) ? t.Variance : null, nodeLayer.TryGetValue(n, out int l) ? l : null));
            }
            return (new OnnxAnalysis(rows, layers, inputVariance, options), candidates);
        }
        finally
        {
            try { Directory.Delete(folder, true); } catch (IOException) { }
        }
    }

    /// <summary>Groups the nodes into layers, judges them, and finds each layer's candidate fix.</summary>
    private static (List<OnnxLayer> Layers, List<(string? Fix, TensorRule? Rule)> Candidates, Dictionary<int, int> NodeLayer) Judge(OnnxPlan plan,
        Dictionary<string, (ElementMoments Moments, OnnxTensorPlan Plan)> moments, Dictionary<string, (double SecondMoment, double Variance)> theory,
        Dictionary<string, double> variances, double factor)
    {
        var graph = plan.Model.Graph;
        var planned = plan.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        // Values that are constants: initializers, and what pass-through ops make of them (a transposed weight).
        var constant = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer) constant[t.Name] = t.Name;
        var groups = new List<(int Weighted, string Weight, string Data, List<int> Members)>();
        var nodeLayer = new Dictionary<int, int>();
        for (int n = 0; n < graph.Node.Count; n++)
        {
            var node = graph.Node[n];
            if (node.OpType == "Constant") continue;
            var inputs = node.Input.Where(i => i.Length > 0).ToList();
            if (inputs.Count > 0 && inputs.All(constant.ContainsKey))
            {
                if (ConstantPassThrough.Contains(node.OpType) && node.Output.Count == 1) constant[node.Output[0]] = constant[inputs[0]];
                continue;
            }
            string? weight = Weighted.Contains(node.OpType)
                ? inputs.Where(constant.ContainsKey).Select(i => constant[i]).FirstOrDefault(i => planned.TryGetValue(i, out var p) && p.Role is TensorRole.Linear or TensorRole.Conv && p.Fans is not null && moments.ContainsKey(i))
                : null;
            string? data = inputs.FirstOrDefault(i => !constant.ContainsKey(i));
            if (weight is not null && data is not null && variances.ContainsKey(data))
            {
                groups.Add((n, weight, data, [n]));
                nodeLayer[n] = groups.Count - 1;
            }
            else if (groups.Count > 0)
            {
                groups[^1].Members.Add(n);
                nodeLayer[n] = groups.Count - 1;
            }
        }

        var gains = new List<LayerGains>(groups.Count);
        var shown = new List<(string Name, string Type, List<string> Members, Activation? Phi, double In, double Out, double? Theory)>(groups.Count);
        foreach (var (w, weight, data, members) in groups)
        {
            var (m, p) = moments[weight];
            var fans = p.Fans!.Value;
            var (phi, preActivation) = ActivationOf(graph, members, constant);
            string last = members.Select(i => graph.Node[i]).SelectMany(x => x.Output).LastOrDefault(variances.ContainsKey) ?? data;
            double inVar = variances[data], outVar = variances[last];
            double backward = double.NaN;
            if (phi is not null)
            {
                double q = preActivation is null ? 1 : variances.GetValueOrDefault(preActivation, double.NaN);
                backward = fans.FanOut * m.SecondMoment * (phi == Activation.Linear ? 1 : ActivationMoments.DerivativeSecondMoment(phi, q));
            }
            gains.Add(new LayerGains(LayerName(weight), inVar, outVar, backward, fans.FanIn, fans.FanOut) { BackwardKnown = double.IsFinite(backward) });
            shown.Add((LayerName(weight), string.Join("+", members.Select(i => graph.Node[i].OpType)),
                members.Select(i => string.IsNullOrEmpty(graph.Node[i].Name) ? $"#{i}" : graph.Node[i].Name).ToList(), phi, inVar, outVar,
                theory.TryGetValue(last, out var t) ? t.Variance : null));
        }
        var verdicts = VarianceJudge.Judge(gains, factor);
        bool forward = verdicts.Any(v => v.ForwardFlagged);
        var layers = new List<OnnxLayer>(groups.Count);
        var candidates = new List<(string? Fix, TensorRule? Rule)>(groups.Count);
        for (int g = 0; g < groups.Count; g++)
        {
            var s = shown[g];
            string weight = groups[g].Weight;
            layers.Add(new OnnxLayer(g, s.Name, weight, s.Type, s.Members, s.Phi, s.In, s.Out, s.Theory, verdicts[g]));
            // Forward: the activation after the layer; backward: the one before it (the previous layer's).
            var phi = forward ? s.Phi : g == 0 ? Activation.Linear : shown[g - 1].Phi;
            if (phi is null)
            {
                candidates.Add(($"no initializer rule here: an op of {(forward ? s.Type : shown[g - 1].Type)} has no activation rule.", null));
                continue;
            }
            var (m, p) = moments[weight];
            var (fix, spec) = VarianceDiagnosis.SuggestInitializer(p.Fans!.Value.FanIn * m.SecondMoment, phi, forward);
            candidates.Add((fix, spec is null ? null : new TensorRule(null, Regex.Escape(weight), spec)));
        }
        return (layers, candidates, nodeLayer);
    }

    /// <summary>The activation of a layer's members after its weighted node (linear when none) and the value it acts on; null when
    /// a member op has no rule here (anything but a constant Add/Sub, shape ops and one known activation).</summary>
    private static (Activation? Phi, string? PreActivation) ActivationOf(GraphProto graph, List<int> members, Dictionary<string, string> constant)
    {
        Activation phi = Activation.Linear;
        string? pre = null;
        foreach (int i in members.Skip(1))
        {
            var node = graph.Node[i];
            if (Unchanged.Contains(node.OpType)) continue;
            if (node.OpType is "Add" or "Sub" && phi == Activation.Linear && node.Input.Count(constant.ContainsKey) == 1) continue;
            if (phi != Activation.Linear || ActivationOp(node) is not { } a) return (null, null);
            phi = a;
            pre = node.Input[0];
        }
        return (phi, pre);
    }

    /// <summary>The activation an ONNX op computes, spelled as in <see cref="Activation"/>, or null.</summary>
    private static Activation? ActivationOp(NodeProto node)
    {
        double? Attribute(string name) => node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : null;
        return node.OpType switch
        {
            "Relu" => Activation.Relu,
            "Tanh" => Activation.Tanh,
            "Sigmoid" => Activation.Sigmoid,
            "Softsign" => Activation.Softsign,
            "Softplus" => Activation.Softplus(),
            "LeakyRelu" => Activation.LeakyRelu(Attribute("alpha") ?? 0.01),
            "Elu" => Activation.Elu(Attribute("alpha") ?? 1),
            // ONNX's defaults are SELU's constants as float32; other values are another function.
            "Selu" when (Attribute("alpha") ?? 1.67326319217681884765625) == 1.67326319217681884765625
                        && (Attribute("gamma") ?? 1.05070102214813232421875) == 1.05070102214813232421875 => Activation.Selu,
            _ => null,
        };
    }

    /// <summary>"0.weight" → "0": the author's module path.</summary>
    private static string LayerName(string weight) => weight.EndsWith(".weight", StringComparison.Ordinal) ? weight[..^".weight".Length] : weight;

    private static double Variance(float[] values)
    {
        var s = TensorStatistics.Of(values);
        return s.Overflowed ? double.PositiveInfinity : s.Variance;
    }

    /// <summary>E[W] and E[W²] of every rewritten tensor, by <see cref="ElementMoments"/>, beside its plan.</summary>
    private static Dictionary<string, (ElementMoments Moments, OnnxTensorPlan Plan)> WeightMoments(OnnxPlan plan, CheckpointPlan weights)
    {
        var result = new Dictionary<string, (ElementMoments, OnnxTensorPlan)>(StringComparer.Ordinal);
        foreach (var t in weights.Tensors)
        {
            var p = plan.Tensors.First(x => x.Name == t.Name);
            try { result[t.Name] = (ElementMoments.Of(InitializerRegistry.Parse(t.Initializer), t.Shape), p); }
            catch (NotSupportedException) { }
        }
        return result;
    }

    /// <summary>Predicted (E[x²], Var x) per value name, from unit-variance inputs (see the remarks on <see cref="Run"/>).</summary>
    private static Dictionary<string, (double SecondMoment, double Variance)> Theory(OnnxPlan plan, Dictionary<string, (ElementMoments Moments, OnnxTensorPlan Plan)> laws)
    {
        var graph = plan.Model.Graph;
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var moments = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
        foreach (var input in graph.Input)
            if (!initializers.Contains(input.Name)) moments[input.Name] = (1, 1);
        foreach (var node in graph.Node)
        {
            if (node.Output.Count == 0) continue;
            (double, double)? result = null;
            var data = node.Input.Where(i => i.Length > 0 && !laws.ContainsKey(i) && !initializers.Contains(i)).ToList();
            var constants = node.Input.Where(laws.ContainsKey).ToList();
            if (data.Count == 1 && moments.TryGetValue(data[0], out var x))
            {
                switch (node.OpType)
                {
                    // A strided ConvTranspose reaches each output from a varying number of inputs (about fan_in/∏strides): no single prediction.
                    case "Gemm" or "MatMul" or "Conv" or "ConvTranspose" when constants.Count >= 1 && laws[constants[0]].Plan.Fans is { } fans
                        && !(node.OpType == "ConvTranspose" && node.Attribute.Any(a => a.Name == "strides" && a.Ints.Any(v => v != 1))):
                    {
                        double v = fans.FanIn * laws[constants[0]].Moments.SecondMoment * x.Item1;
                        if (constants.Count > 1) v += laws[constants[1]].Moments.SecondMoment;
                        result = (v, v);
                        break;
                    }
                    case "Add" when constants.Count == 1:
                    {
                        var b = laws[constants[0]].Moments;
                        result = (x.Item1 + b.SecondMoment, x.Item2 + b.Variance);
                        break;
                    }
                    case "Relu":
                        result = (x.Item2 / 2, x.Item2 * (0.5 - 1 / (2 * Math.PI)));
                        break;
                    case var op when Unchanged.Contains(op):
                        result = x;
                        break;
                    default:
                        if (ActivationOp(node) is { } phi)
                            result = (ActivationMoments.SecondMoment(phi, x.Item2), ActivationMoments.Variance(phi, x.Item2));
                        break;
                }
            }
            if (result is { } r) moments[node.Output[0]] = r;
        }
        return moments;
    }
}
