using System.Globalization;
using WeightInit.Checkpoints;
using WeightInit.Initializers;
using WeightInit.IO;
using WeightInit.Onnx.Proto;
using WeightInit.Shapes;

namespace WeightInit.Onnx;

/// <summary>Options of <see cref="OnnxPlanner.Plan"/>.</summary>
public sealed record OnnxPlanOptions
{
    /// <summary>Defaults per role and name rules, as for every other model.</summary>
    public InitPolicy Policy { get; init; } = InitPolicy.Default;

    /// <summary>What PyTorch's module constructors do (set by <c>--preset pytorch-default</c>): fans read as PyTorch reads its own
    /// parameters (a ConvTranspose weight's fan_in is its axis 1 times the kernel), <c>pytorch_bias</c> from those fans, and
    /// LSTM/GRU/RNN W, R and B all U(±1/√hidden_size) as <c>torch.nn.RNNBase.reset_parameters</c> does.</summary>
    public bool PyTorchModules { get; init; }
}

/// <summary>Gives every initializer of an ONNX graph its role, exact fans and law from the op that consumes it.</summary>
/// <remarks>
/// <para><b>Tracing.</b> From each initializer the planner follows Identity, Transpose (a rank-2 [1, 0] swaps the layout),
/// Reshape, Squeeze, Unsqueeze and Cast to the real consumer. A weight that reaches its consumer through a Reshape or
/// another Transpose has fans the planner cannot know, and is kept.</para>
/// <para><b>Roles</b> (op, input → role, layout): see the table in docs/models.md ("ONNX models").</para>
/// <para><b>Aliases.</b> torch.onnx merges initializers with equal values and makes the others outputs of Identity nodes fed by
/// the survivor (a fresh BatchNorm's running_var aliases its weight, zero biases collapse into one). Each use through an
/// Identity is a separate parameter: when its law differs from the survivor's, or is random, it becomes an initializer of its
/// own named as the Identity's output, and that Identity node is removed. A constant law that equals the survivor's
/// (norm1.weight and norm2.weight, both ones) stays merged. An initializer used directly by several consumers is genuinely
/// shared (a tied embedding that is also the output projection): one tensor, one law, the first consumer in graph order decides.</para>
/// <para><b>Kept byte for byte:</b> non-float initializers (shapes, indices, masks), ones no op consumes, and ones whose
/// consumers the planner cannot place, unless a rule names them (then the rule's law is used with the PyTorch-shape layout
/// [out, in, k…]; a rule asking for a fan-dependent law on a rank-0 or rank-1 tensor is an error).</para>
/// </remarks>
public static class OnnxPlanner
{
    private static readonly HashSet<string> PassThrough = new(StringComparer.Ordinal) { "Identity", "Transpose", "Reshape", "Squeeze", "Unsqueeze", "Cast" };
    private static readonly HashSet<string> Normalizing = new(StringComparer.Ordinal) { "Div", "InstanceNormalization", "LayerNormalization", "GroupNormalization", "BatchNormalization" };

    /// <summary>Plans <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">A rule asks for a law its tensor cannot have; the message names the tensor.</exception>
    public static OnnxPlan Plan(OnnxModel model, OnnxPlanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxPlanOptions();
        var graph = new GraphView(model.Graph);
        var result = new List<OnnxTensorPlan>();
        var removed = new List<int>();
        foreach (var init in model.Initializers)
        {
            var uses = graph.Uses(init.Name);
            if (init.FloatType is not { } dtype)
            {
                result.Add(Kept(init, init.Name, uses, $"kept: data type {init.DataType} is not a float type WeightInit fills (shape, index or mask)", options));
                continue;
            }
            // Group the uses by the Identity alias they pass (null: direct); the direct group, else the first alias, keeps the name.
            var groups = uses.GroupBy(u => u.Alias).ToList();
            var main = groups.FirstOrDefault(g => g.Key is null) ?? groups.FirstOrDefault();
            OnnxTensorPlan? mainPlan = null;
            if (main is null)
            {
                result.Add(Kept(init, init.Name, uses, "kept: no node consumes it", options));
                continue;
            }
            mainPlan = Decide(init, init.Name, dtype, main.ToList(), graph, options);
            result.Add(mainPlan);
            foreach (var g in groups)
            {
                if (ReferenceEquals(g, main)) continue;
                var alias = Decide(init, g.Key!, dtype, g.ToList(), graph, options);
                bool sameConstant = alias.Initializer == mainPlan.Initializer && alias.Shape is not null && mainPlan.Shape is not null
                    && alias.Shape.Equals(mainPlan.Shape) && IsConstant(alias.Initializer);
                bool bothKept = !alias.IsRewritten && !mainPlan.IsRewritten;
                if (sameConstant || bothKept || graph.IsGraphOutput(g.Key!)) continue;
                removed.Add(graph.Producer(g.Key!));
                result.Add(alias with { Reason = alias.Reason + $"; split from '{init.Name}' (torch.onnx merged equal values through Identity → '{g.Key}')" });
            }
        }
        return new OnnxPlan(model, result, removed, options);
    }

    private static bool IsConstant(string? spec) => spec is not null && InitializerRegistry.Parse(spec) is Constant;

    private static OnnxTensorPlan Kept(OnnxInitializer init, string name, IReadOnlyList<Use> uses, string reason, OnnxPlanOptions options)
    {
        string consumer = uses.Count == 0 ? "(none)" : uses[0].Describe();
        var rule = options.Policy.Rules.LastOrDefault(r => r.Matches(name));
        if (rule is not null && init.FloatType is { } dtype)
        {
            var shape = new WeightShape(init.Dimensions.Select(d => (int)d), WeightLayout.OutInKernel);
            return new OnnxTensorPlan(name, init.Name, init.Dimensions, dtype, TensorRole.Other, "unplaced", consumer, shape, null, rule.Initializer,
                $"rule {rule} (consumer not placed; PyTorch-shape layout [out, in, k…])");
        }
        return new OnnxTensorPlan(name, init.Name, init.Dimensions, init.FloatType, null, "kept", consumer, null, null, null, reason);
    }

    /// <summary>The decision for the uses of one parameter: the first placeable use in graph order decides.</summary>
    private static OnnxTensorPlan Decide(OnnxInitializer init, string name, TensorDType dtype, List<Use> uses, GraphView graph, OnnxPlanOptions options)
    {
        string? why = null;
        foreach (var use in uses.OrderBy(u => u.Node).ThenBy(u => u.Input))
        {
            var placed = Place(init, use, graph, options, out string? reason);
            if (placed is null) { why ??= reason; continue; }
            var p = placed.Value;
            string spec, source;
            var rule = options.Policy.Rules.LastOrDefault(r => r.Matches(name));
            if (rule is not null) { spec = rule.Initializer; source = $"rule {rule}"; }
            else if (p.FixedSpec is not null) { spec = p.FixedSpec; source = p.FixedReason!; }
            else { spec = options.Policy.SpecFor(name, p.Role); source = $"default for role {p.Role.Name()}"; }
            if (InitializerRegistry.TryParse(spec, out var parsed) && parsed is PyTorchBias { WeightFanIn: null })
            {
                if (p.TorchFanIn is not { } fanIn)
                    throw new ArgumentException($"Tensor '{name}': {InitPolicy.PyTorchBias} applies to the bias of a Conv, ConvTranspose, Gemm or MatMul+Add; its consumer is {use.Describe()}.");
                spec = PyTorchBias.For(fanIn).Spec;
                source += $" (pytorch_bias: U(±1/√fan_in), PyTorch fan_in {Number(fanIn)} of the weight)";
            }
            string shared = uses.Count > 1 ? $"; shared by {uses.Count} uses, the first in graph order decides" : "";
            return new OnnxTensorPlan(name, init.Name, init.Dimensions, dtype, p.Role, p.Detail, use.Describe(), p.Shape, p.Fans, spec, source + shared);
        }
        return Kept(init, name, uses, "kept: " + (why ?? "no consumer WeightInit can place"), options);
    }

    private readonly record struct Placement(TensorRole Role, string Detail, WeightShape Shape, Fans Fans, double? TorchFanIn = null,
        string? FixedSpec = null, string? FixedReason = null);

    /// <summary>The role of an initializer at one use, or null with the reason it cannot be placed.</summary>
    private static Placement? Place(OnnxInitializer init, Use use, GraphView graph, OnnxPlanOptions options, out string? reason)
    {
        reason = null;
        var node = graph.Nodes[use.Node];
        var dims = init.Dimensions.Select(d => (int)d).ToArray();
        string op = node.OpType;
        bool isDomainOnnx = string.IsNullOrEmpty(node.Domain) || node.Domain == "ai.onnx";
        if (!isDomainOnnx) { reason = $"op {node.Domain}.{op} is not a standard ONNX op"; return null; }
        bool weightRole = (op, use.Input) is ("Conv", 1) or ("ConvTranspose", 1) or ("Gemm", 1) or ("MatMul", _) or ("Gather", 0)
            or ("LSTM" or "GRU" or "RNN", 1 or 2);
        if (weightRole && (use.Reshaped || use.Transposes > 1 || (use.Transposes == 1 && dims.Length != 2)))
        {
            reason = $"reaches {op} through a Reshape or Transpose whose effect on its fans is not known";
            return null;
        }
        switch (op, use.Input)
        {
            case ("Conv", 1):
            case ("ConvTranspose", 1):
            {
                if (dims.Length < 3) { reason = $"{op} weight of rank {dims.Length}"; return null; }
                long groupAttribute = graph.Int(node, "group", 1);
                bool transposed = op == "ConvTranspose";
                var layout = transposed ? WeightLayout.InOutKernel : WeightLayout.OutInKernel;
                // ONNX requires group ≥ 1 dividing the channels; a value past int (2³² + 1) must not wrap to a valid one.
                if (groupAttribute < 1 || groupAttribute > int.MaxValue || dims[0] % groupAttribute != 0)
                    throw new ArgumentException($"Initializer '{init.Name}' [{string.Join(", ", dims)}] at {use.Describe()}: attribute group = {groupAttribute} must be a positive integer dividing {(transposed ? "the input" : "the output")} channels (axis 0) = {dims[0]}.");
                int group = (int)groupAttribute;
                var exact = FanCalculator.Compute(dims, layout, group);
                var torch = FanCalculator.Compute(dims, FanConvention.PyTorch);
                // PyTorch reads its ConvTranspose weight [in, out/g, k…] as [out, in, k…]; under pytorch-default do as it does.
                var shape = transposed && options.PyTorchModules ? new WeightShape(dims, WeightLayout.OutInKernel) : new WeightShape(dims, layout, group);
                return new Placement(TensorRole.Conv, $"{op} weight (group {group})", shape, shape.Fans, torch.FanIn);
            }
            case ("Gemm", 1):
            case ("MatMul", 1):
            case ("MatMul", 0):
            {
                if (dims.Length != 2) { reason = $"{op} operand of rank {dims.Length} (batched matrices are not placed)"; return null; }
                // Gemm B is (K, N), or (N, K) if transB; MatMul B is (K, N) = [in, out]; a constant MatMul A (M, K) computes W·x: [out, in].
                bool outIn = op == "Gemm" ? graph.Int(node, "transB", 0) != 0 : use.Input == 0;
                if (use.Transposes == 1) outIn = !outIn;
                var layout = outIn ? WeightLayout.OutIn : WeightLayout.InOut;
                var shape = new WeightShape(dims, layout);
                return new Placement(TensorRole.Linear, $"{op} weight ({(outIn ? "[out, in]" : "[in, out]")})", shape, shape.Fans, shape.Fans.FanIn);
            }
            case ("Gather", 0):
            {
                if (dims.Length != 2 || graph.Int(node, "axis", 0) != 0) { reason = "Gather on a table that is not [entries, features] along axis 0"; return null; }
                // One-hot of `entries` inputs into `features` outputs: [in, out].
                var shape = new WeightShape(dims, WeightLayout.InOut);
                return new Placement(TensorRole.Embedding, "Gather table (embedding)", shape, shape.Fans);
            }
            case ("Conv" or "ConvTranspose", 2):
            case ("Gemm", 2):
            {
                var weight = graph.WeightOf(node, 1);
                if (weight is null) { reason = $"{op} bias whose weight is not a constant"; return null; }
                var w = Place(weight.Value.Init, weight.Value.Use, graph, options, out reason);
                if (w is null) return null;
                return Bias(dims, $"{op} bias", w.Value);
            }
            case ("Add", 0 or 1):
            {
                string other = node.Input[1 - use.Input];
                int producer = graph.ProducerThrough(other, "Reshape");
                if (producer < 0) { reason = "Add of a constant to a graph input"; return null; }
                var p = graph.Nodes[producer];
                if (p.OpType == "MatMul")
                {
                    var weight = graph.WeightOf(p, 1) ?? graph.WeightOf(p, 0);
                    if (weight is null) { reason = "Add after a MatMul of two activations"; return null; }
                    var w = Place(weight.Value.Init, weight.Value.Use, graph, options, out reason);
                    if (w is null) return null;
                    return Bias(dims, "bias (Add after MatMul)", w.Value);
                }
                if (p.OpType == "Mul" && graph.IsNormScale(p) || Normalizing.Contains(p.OpType))
                    return Norm(dims, TensorRole.NormBias, "normalization shift (Add after the scale)");
                reason = $"Add after {p.OpType}";
                return null;
            }
            case ("Mul", 0 or 1):
            {
                if (graph.IsNormScale(node)) return Norm(dims, TensorRole.NormWeight, "normalization scale (Mul after normalizing; RMS-style)");
                reason = "Mul that does not follow a normalization";
                return null;
            }
            case ("BatchNormalization", 1): return Norm(dims, TensorRole.NormWeight, "BatchNormalization scale");
            case ("BatchNormalization", 2): return Norm(dims, TensorRole.NormBias, "BatchNormalization B");
            case ("BatchNormalization", 3): return Norm(dims, TensorRole.NormBias, "BatchNormalization input_mean (running mean)", "zeros", "running mean 0 (a fresh BatchNorm)");
            case ("BatchNormalization", 4): return Norm(dims, TensorRole.NormWeight, "BatchNormalization input_var (running var)", "ones", "running var 1 (a fresh BatchNorm)");
            case ("LayerNormalization" or "GroupNormalization" or "InstanceNormalization", 1): return Norm(dims, TensorRole.NormWeight, $"{op} scale");
            case ("LayerNormalization" or "GroupNormalization" or "InstanceNormalization", 2): return Norm(dims, TensorRole.NormBias, $"{op} bias");
            case ("LSTM" or "GRU" or "RNN", 1 or 2 or 3):
            {
                // B's fans are W's (its gate blocks' input width and hidden size), so B needs W's shape.
                int inputWidth = use.Input == 1 ? (dims.Length == 3 ? dims[2] : -1)
                    : graph.WeightOf(node, 1) is { } w && w.Init.Dimensions.Count == 3 ? (int)w.Init.Dimensions[2] : -1;
                string direction = node.Attribute.FirstOrDefault(a => a.Name == "direction") is { HasS: true } d ? d.S.ToStringUtf8() : "forward";
                if (direction is not ("forward" or "reverse" or "bidirectional"))
                {
                    reason = $"{op} direction '{direction}' (valid: forward, reverse, bidirectional)";
                    return null;
                }
                int directions = direction == "bidirectional" ? 2 : 1;
                if (dims.Length > 0 && dims[0] != directions)
                {
                    reason = $"{op} input {use.Input} of shape [{string.Join(", ", dims)}] holds {dims[0]} direction(s), but direction '{direction}' has {directions}";
                    return null;
                }
                return Recurrent(op, use.Input, dims, graph.Int(node, "hidden_size", -1), inputWidth, options, out reason);
            }
            default:
                reason = $"{op} input {use.Input} is not a weight WeightInit can place";
                return null;
        }
    }

    private static Placement Bias(int[] dims, string detail, Placement weight) =>
        new(TensorRole.Bias, detail, new WeightShape(dims, WeightLayout.OutInKernel), weight.Fans, weight.TorchFanIn);

    private static Placement Norm(int[] dims, TensorRole role, string detail, string? fixedSpec = null, string? fixedReason = null)
    {
        long count = dims.Aggregate(1L, (a, d) => a * d);
        return new(role, detail, new WeightShape(dims, WeightLayout.OutInKernel), new Fans(count, count), null, fixedSpec, fixedReason);
    }

    /// <summary>LSTM/GRU/RNN W [nd, g·H, I], R [nd, g·H, H], B [nd, 2·g·H] (gates iofc, zrh, or one): W and R fill as
    /// [nd·g·H, I] with nd·g groups (the same row-major bytes), so that each gate block of one direction is an [H, in] matrix
    /// with fans (in, H); B has W's fans.</summary>
    private static Placement? Recurrent(string op, int input, int[] dims, long hidden, int inputWidth, OnnxPlanOptions options, out string? reason)
    {
        reason = null;
        int gates = op switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        string gateNames = op switch { "LSTM" => "gates i, o, f, c", "GRU" => "gates z, r, h", _ => "one gate" };
        if (hidden <= 0 || dims.Length != (input == 3 ? 2 : 3) || dims[1] != (input == 3 ? 2 : 1) * gates * hidden || (input == 2 && dims[2] != hidden))
        {
            reason = $"{op} input {input} of shape [{string.Join(", ", dims)}] does not match hidden_size {hidden}";
            return null;
        }
        if (inputWidth <= 0)
        {
            reason = $"{op} B whose W is not a constant of rank 3 (its fans come from W)";
            return null;
        }
        int h = (int)hidden;
        string? fixedSpec = null, fixedReason = null;
        if (options.PyTorchModules)
        {
            double bound = 1 / Math.Sqrt(h); // torch.nn.RNNBase.reset_parameters: stdv = 1.0 / math.sqrt(hidden_size), every parameter U(-stdv, stdv)
            fixedSpec = $"uniform(low={Number(-bound)}, high={Number(bound)})";
            fixedReason = $"PyTorch {op}: every parameter U(±1/√hidden_size), hidden_size {h}";
        }
        if (input == 3)
            // Filled as one vector like every bias (a [directions, 2·g·H] matrix would show fans it does not have).
            return new Placement(TensorRole.Bias, $"{op} B [directions, 2·{gates}·H] ({gateNames}; Wb then Rb)",
                new WeightShape([checked(dims[0] * dims[1])], WeightLayout.OutInKernel), new Fans(inputWidth, h), null, fixedSpec, fixedReason);
        int groups = checked(dims[0] * gates);
        var shape = new WeightShape([checked(dims[0] * dims[1]), dims[2]], WeightLayout.OutInKernel, groups);
        return new Placement(TensorRole.Linear, $"{op} {(input == 1 ? "W" : "R")} ({gateNames}, {dims[0]} direction(s); filled as [{dims[0] * dims[1]}, {dims[2]}], {groups} groups)",
            shape, shape.Fans, null, fixedSpec, fixedReason);
    }

    private static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>One use of an initializer: the consuming node and input, and what it passed on the way.</summary>
    internal readonly record struct Use(int Node, int Input, string OpType, string NodeName, string? Alias, int Transposes, bool Reshaped)
    {
        public string Describe() => $"{OpType}{(NodeName.Length > 0 ? $" '{NodeName}'" : "")} input {Input}";
    }

    /// <summary>Producers and consumers of the graph's values.</summary>
    internal sealed class GraphView
    {
        private readonly Dictionary<string, int> _producer = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<(int Node, int Input)>> _consumers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, OnnxInitializerRef> _initializers = new(StringComparer.Ordinal);
        private readonly HashSet<string> _outputs;

        public GraphView(GraphProto graph)
        {
            Nodes = graph.Node;
            for (int n = 0; n < graph.Node.Count; n++)
            {
                var node = graph.Node[n];
                foreach (var o in node.Output) if (o.Length > 0) _producer[o] = n;
                for (int i = 0; i < node.Input.Count; i++)
                {
                    if (node.Input[i].Length == 0) continue;
                    if (!_consumers.TryGetValue(node.Input[i], out var list)) _consumers[node.Input[i]] = list = [];
                    list.Add((n, i));
                }
            }
            _outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var t in graph.Initializer) _initializers[t.Name] = new OnnxInitializerRef(t);
        }

        public IList<NodeProto> Nodes { get; }

        public bool IsGraphOutput(string name) => _outputs.Contains(name);

        public int Producer(string name) => _producer.TryGetValue(name, out int n) ? n : -1;

        /// <summary>Every consumer reached from <paramref name="name"/> through pass-through ops.</summary>
        public List<Use> Uses(string name)
        {
            var result = new List<Use>();
            void Walk(string value, string? alias, int transposes, bool reshaped, int depth)
            {
                if (depth > 64 || !_consumers.TryGetValue(value, out var list)) return;
                foreach (var (n, i) in list)
                {
                    var node = Nodes[n];
                    if (PassThrough.Contains(node.OpType) && i == 0 && node.Output.Count > 0)
                    {
                        string output = node.Output[0];
                        bool isTranspose = node.OpType == "Transpose";
                        bool swap = isTranspose && IsSwap(node);
                        Walk(output, alias ?? (node.OpType == "Identity" ? output : null), transposes + (isTranspose ? (swap ? 1 : 2) : 0),
                            reshaped || node.OpType is "Reshape" or "Squeeze" or "Unsqueeze", depth + 1);
                        continue;
                    }
                    result.Add(new Use(n, i, node.OpType, node.Name ?? "", alias, transposes, reshaped));
                }
            }
            Walk(name, null, 0, false, 0);
            return result;
        }

        private static bool IsSwap(NodeProto node)
        {
            var perm = node.Attribute.FirstOrDefault(a => a.Name == "perm");
            return perm is null || perm.Ints.SequenceEqual([1L, 0L]);
        }

        public long Int(NodeProto node, string attribute, long fallback) =>
            node.Attribute.FirstOrDefault(a => a.Name == attribute) is { } a && a.HasI ? a.I : fallback;

        /// <summary>The producer of <paramref name="value"/>, looking through ops named <paramref name="through"/> and Identity.</summary>
        public int ProducerThrough(string value, params string[] through)
        {
            for (int depth = 0; depth < 64; depth++)
            {
                int n = Producer(value);
                if (n < 0) return -1;
                var node = Nodes[n];
                if ((node.OpType == "Identity" || through.Contains(node.OpType)) && node.Input.Count > 0) { value = node.Input[0]; continue; }
                return n;
            }
            return -1;
        }

        /// <summary>The initializer behind input <paramref name="input"/> of <paramref name="node"/> (through Identity and Transpose), as a use of that node.</summary>
        public (OnnxInitializer Init, Use Use)? WeightOf(NodeProto node, int input)
        {
            if (node.Input.Count <= input) return null;
            string value = node.Input[input];
            int transposes = 0;
            for (int depth = 0; depth < 64; depth++)
            {
                if (_initializers.TryGetValue(value, out var t))
                {
                    int n = Nodes.IndexOf(node);
                    return (t.Describe(), new Use(n, input, node.OpType, node.Name ?? "", null, transposes, false));
                }
                int p = Producer(value);
                if (p < 0) return null;
                var prod = Nodes[p];
                if (prod.OpType == "Identity" || prod.OpType == "Transpose" && IsSwap(prod))
                {
                    if (prod.OpType == "Transpose") transposes++;
                    value = prod.Input[0];
                    continue;
                }
                return null;
            }
            return null;
        }

        /// <summary>A Mul with a constant input whose other input is normalized: produced (through Reshape) by Div, an
        /// *Normalization op, or a Mul by a Reciprocal/Sqrt/Div (x·rsqrt(mean(x²)+ε), RMSNorm).</summary>
        public bool IsNormScale(NodeProto mul)
        {
            if (mul.OpType != "Mul" || mul.Input.Count != 2) return false;
            for (int k = 0; k < 2; k++)
            {
                if (!IsConstant(mul.Input[k])) continue;
                int p = ProducerThrough(mul.Input[1 - k], "Reshape");
                if (p < 0) return false;
                var prod = Nodes[p];
                if (Normalizing.Contains(prod.OpType)) return true;
                if (prod.OpType == "Mul")
                    return prod.Input.Any(i => ProducerThrough(i) is int q && q >= 0 && Nodes[q].OpType is "Reciprocal" or "Sqrt" or "Div");
                return false;
            }
            return false;
        }

        private bool IsConstant(string value)
        {
            for (int depth = 0; depth < 64; depth++)
            {
                if (_initializers.ContainsKey(value)) return true;
                int p = Producer(value);
                if (p < 0 || !PassThrough.Contains(Nodes[p].OpType)) return p >= 0 && Nodes[p].OpType == "Constant";
                value = Nodes[p].Input[0];
            }
            return false;
        }
    }

    private sealed class OnnxInitializerRef(TensorProto tensor)
    {
        public OnnxInitializer Describe() =>
            new(tensor.Name, tensor.Dims.ToArray(), tensor.DataType, null);
    }
}
