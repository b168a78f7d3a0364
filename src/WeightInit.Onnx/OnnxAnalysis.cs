using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using WeightInit.Analysis.Measurement;
using WeightInit.Checkpoints;
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

    /// <summary>Shapes of graph inputs, by name, replacing the model's (needed where an input has dynamic dimensions besides the batch).</summary>
    public IReadOnlyDictionary<string, int[]> InputShapes { get; init; } = new Dictionary<string, int[]>();

    /// <summary>The seed of the inputs: input NAME is N(0, 1) under <c>PhiloxKey.FromSeed(Seed).Fold("analyze/input/NAME")</c>.</summary>
    public ulong Seed { get; init; }

    /// <summary>The flag factor F of <see cref="VarianceDiagnosis.Classify"/>.</summary>
    public double Factor { get; init; } = 10;
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
/// <param name="Ratio">Measured variance over the inputs' (the quantity flagged), for weighted nodes (Gemm, MatMul, Conv, ConvTranspose).</param>
/// <param name="Flag">The flag, for weighted nodes (else <see cref="VarianceFlag.None"/>).</param>
public sealed record OnnxNodeStatistics(int Index, string Node, string OpType, string Output, IReadOnlyList<long> Shape, double Mean, double Variance,
    double? TheoryVariance, double? Ratio, VarianceFlag Flag);

/// <summary>A forward variance analysis of an ONNX model initialized by a plan, run with ONNX Runtime.</summary>
/// <param name="Nodes">Every float node output, in graph order.</param>
/// <param name="InputVariance">The measured variance of the (Gaussian) inputs.</param>
/// <param name="Options">The options used.</param>
public sealed record OnnxAnalysis(IReadOnlyList<OnnxNodeStatistics> Nodes, double InputVariance, OnnxAnalysisOptions Options)
{
    /// <summary>Ops whose weight the flags judge (the dense and convolution rows of <see cref="VarianceDiagnosis"/>).</summary>
    private static readonly HashSet<string> Weighted = new(StringComparer.Ordinal) { "Gemm", "MatMul", "Conv", "ConvTranspose" };

    private static readonly HashSet<string> Unchanged = new(StringComparer.Ordinal) { "Identity", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Dropout" };

    /// <summary>The nodes flagged.</summary>
    public IEnumerable<OnnxNodeStatistics> Flagged => Nodes.Where(n => n.Flag != VarianceFlag.None);

    /// <summary>Fills the model's initializers with <paramref name="weights"/> (made from <paramref name="plan"/>), adds every node output as a graph
    /// output, feeds keyed N(0, 1) inputs and measures each output's mean and variance, beside the moment recursion's prediction.</summary>
    /// <remarks>
    /// <para><b>Measured</b>: forward only (ONNX Runtime's inference package has no backward pass). One intra-op thread, so the
    /// numbers depend on the seed alone.</para>
    /// <para><b>Theory</b>, with E[x] = 0 and x independent of zero-mean weights: Gemm, MatMul (constant weight), Conv and ConvTranspose
    /// (stride 1) give Var y = fan_in·E[W²]·E[x²] + E[b²] (fan_in the planned one; a padded convolution's border outputs have fewer
    /// terms, so its measured variance is lower); Add of a constant
    /// adds its variance; Relu gives E[y²] = Var z / 2 and Var y = Var z·(1/2 − 1/(2π)) for symmetric z; shape ops keep it.
    /// Any other op ends the prediction for what it feeds.</para>
    /// <para><b>Flags</b>: the weighted nodes' measured variance over the inputs', by <see cref="VarianceDiagnosis.Classify"/>.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">An input is not float, or has a dynamic dimension <see cref="OnnxAnalysisOptions.InputShapes"/> does not fix.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime cannot run the model.</exception>
    public static OnnxAnalysis Run(OnnxPlan plan, CheckpointPlan weights, OnnxAnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(weights);
        options ??= new OnnxAnalysisOptions();
        if (options.Batch < 2) throw new ArgumentException($"The batch must hold at least 2 examples; got {options.Batch}.");
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
            double sum = 0, sumSquares = 0;
            long count = 0;
            foreach (var (name, meta) in session.InputMetadata)
            {
                if (meta.ElementType != typeof(float))
                    throw new ArgumentException($"Input '{name}' holds {meta.ElementType.Name}; analyze feeds N(0, 1) values to float inputs only.");
                int[] dims = options.InputShapes.TryGetValue(name, out var given) ? given : meta.Dimensions.Select((d, i) => d > 0 ? d : i == 0 ? options.Batch : -1).ToArray();
                if (dims.Any(d => d < 0))
                    throw new ArgumentException($"Input '{name}' has dynamic dimensions [{string.Join(", ", meta.Dimensions)}] besides the batch; give --input {name}=SHAPE.");
                var values = new float[dims.Aggregate(1L, (a, d) => checked(a * d))];
                new NormalDistribution(0, 1).Fill(root.Fold("analyze/input/" + name), values);
                foreach (float v in values) { sum += v; sumSquares += (double)v * v; }
                count += values.Length;
                feeds.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(values, dims)));
            }
            double inputVariance = sumSquares / count - (sum / count) * (sum / count);
            var wanted = outputs.Select(o => o.Name).Distinct().Where(n => session.OutputMetadata.TryGetValue(n, out var m) && m.ElementType == typeof(float)).ToList();
            using var results = session.Run(feeds, wanted);
            var byName = results.ToDictionary(r => r.Name, r => r.AsTensor<float>(), StringComparer.Ordinal);

            var theory = Theory(plan, weights);
            var rows = new List<OnnxNodeStatistics>();
            foreach (var (n, name) in outputs)
            {
                if (!byName.TryGetValue(name, out var tensor)) continue;
                var node = graph.Node[n];
                var stats = TensorStatistics.Of(tensor.ToArray());
                double variance = stats.Overflowed ? double.PositiveInfinity : stats.Variance;
                double? ratio = null;
                var flag = VarianceFlag.None;
                if (Weighted.Contains(node.OpType))
                {
                    ratio = variance / inputVariance;
                    flag = VarianceDiagnosis.Classify(ratio.Value, options.Factor);
                }
                rows.Add(new OnnxNodeStatistics(n, string.IsNullOrEmpty(node.Name) ? $"#{n}" : node.Name, node.OpType, name,
                    tensor.Dimensions.ToArray().Select(d => (long)d).ToArray(), stats.Mean, variance,
                    theory.TryGetValue(name, out var t) ? t.Variance : null, ratio, flag));
            }
            return new OnnxAnalysis(rows, inputVariance, options);
        }
        finally
        {
            try { Directory.Delete(folder, true); } catch (IOException) { }
        }
    }

    /// <summary>Predicted (E[x²], Var x) per value name, from unit-variance inputs (see the remarks on <see cref="Run"/>).</summary>
    private static Dictionary<string, (double SecondMoment, double Variance)> Theory(OnnxPlan plan, CheckpointPlan weights)
    {
        var graph = plan.Model.Graph;
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var laws = new Dictionary<string, (double Mean, double Variance, OnnxTensorPlan Plan)>(StringComparer.Ordinal);
        foreach (var t in weights.Tensors)
        {
            var p = plan.Tensors.First(x => x.Name == t.Name);
            if (InitializerRegistry.Parse(t.Initializer).DistributionFor(t.Shape) is { } d) laws[t.Name] = (d.Expectation, d.Variance, p);
        }
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
                        var w = laws[constants[0]];
                        double v = fans.FanIn * (w.Variance + w.Mean * w.Mean) * x.Item1;
                        if (constants.Count > 1) v += laws[constants[1]].Variance + laws[constants[1]].Mean * laws[constants[1]].Mean;
                        result = (v, v);
                        break;
                    }
                    case "Add" when constants.Count == 1:
                    {
                        var b = laws[constants[0]];
                        result = (x.Item1 + b.Variance + b.Mean * b.Mean, x.Item2 + b.Variance);
                        break;
                    }
                    case "Relu":
                        result = (x.Item2 / 2, x.Item2 * (0.5 - 1 / (2 * Math.PI)));
                        break;
                    case var op when Unchanged.Contains(op):
                        result = x;
                        break;
                }
            }
            if (result is { } r) moments[node.Output[0]] = r;
        }
        return moments;
    }
}
