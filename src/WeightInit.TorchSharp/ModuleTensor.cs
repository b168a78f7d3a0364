using TorchSharp;
using TorchSharp.Modules;
using Embedding = TorchSharp.Modules.Embedding;
using WeightInit.Initializers;
using WeightInit.Random;
using WeightInit.Shapes;
using Bilinear = TorchSharp.Modules.Bilinear;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp;

/// <summary>One parameter or buffer of a module, with the layout its module type states for it.</summary>
/// <param name="Name">The full name, as <c>named_parameters()</c> / <c>state_dict()</c> give it (e.g. <c>"enc.0.weight"</c>).</param>
/// <param name="LocalName">The name inside its own module (e.g. <c>"weight"</c>, <c>"weight_hh_l1_reverse"</c>, <c>"out_proj.weight"</c>).</param>
/// <param name="Module">The module that owns it.</param>
/// <param name="Tensor">The tensor itself (written in place).</param>
/// <param name="IsBuffer">True for a buffer (running statistics), false for a parameter.</param>
/// <param name="Shape">Its shape with the layout and groups its module type states (see docs/torchsharp.md), or null when the
/// module type is not one WeightInit knows: then no initializer that needs fans can serve it.</param>
public sealed record ModuleTensor(string Name, string LocalName, nn.Module Module, Tensor Tensor, bool IsBuffer, WeightShape? Shape)
{
    /// <summary>The dimensions.</summary>
    public IReadOnlyList<int> Dimensions => Tensor.shape.Select(d => checked((int)d)).ToArray();

    /// <summary>The module type's name, e.g. <c>Conv2d</c>.</summary>
    public string ModuleType => Module.GetType().Name;
}

/// <summary>What WeightInit knows of each TorchSharp module type: the parameters' layouts (hence exact fans), PyTorch's
/// default initialization as typed initializers, and the same default as PyTorch's own calls in construction order.</summary>
internal static class ModuleLayouts
{
    /// <summary>The module types with a stated layout, for messages.</summary>
    internal const string Known = "Linear, Bilinear, Conv1d/2d/3d, ConvTranspose1d/2d/3d, Embedding, LayerNorm, GroupNorm, BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, RNN, LSTM, GRU, MultiheadAttention";

    /// <summary>Every parameter and buffer of <paramref name="root"/> and its descendants, parameters before buffers per module,
    /// modules in registration order; a tensor registered under several names (tied weights) once, under its first name.</summary>
    public static List<ModuleTensor> Enumerate(nn.Module root) => Enumerate(root, out _);

    /// <summary><see cref="Enumerate(nn.Module)"/>, and each further name of a tied tensor (e.g. <c>lm_head.weight</c> set to
    /// <c>transformer.wte.weight</c>) with the first name, as PyTorch's <c>named_parameters()</c> drops such duplicates.</summary>
    public static List<ModuleTensor> Enumerate(nn.Module root, out List<(ModuleTensor Tensor, string First)> aliases)
    {
        var all = EnumerateAll(root, out var aliasOf);
        aliases = all.Where(aliasOf.ContainsKey).Select(t => (t, aliasOf[t])).ToList();
        return all.Where(t => !aliasOf.ContainsKey(t)).ToList();
    }

    /// <summary>Every name of every tensor, tied names included (each module's own view, for sibling look-ups and for the order
    /// PyTorch's constructors draw in), and which of them are further names of a tensor met before (→ its first name).</summary>
    public static List<ModuleTensor> EnumerateAll(nn.Module root, out Dictionary<ModuleTensor, string> aliasOf)
    {
        var list = new List<ModuleTensor>();
        aliasOf = new Dictionary<ModuleTensor, string>(ReferenceEqualityComparer.Instance);
        Visit(root, "", list, aliasOf, []);
        return list;
    }

    private static void Visit(nn.Module module, string prefix, List<ModuleTensor> list, Dictionary<ModuleTensor, string> aliasOf, Dictionary<IntPtr, string> seen)
    {
        foreach (var (local, p) in module.named_parameters(recurse: false))
            Add(new ModuleTensor(prefix + local, local, module, p, false, ShapeFor(module, local, p)), list, aliasOf, seen);
        foreach (var (local, b) in module.named_buffers(recurse: false))
            Add(new ModuleTensor(prefix + local, local, module, b, true, ShapeFor(module, local, b)), list, aliasOf, seen);
        foreach (var (name, child) in module.named_children())
            Visit(child, prefix + name + ".", list, aliasOf, seen);
    }

    // The same native tensor (TorchSharp hands out one object per parameter, so its handle) is one tensor: the first name keeps it.
    private static void Add(ModuleTensor t, List<ModuleTensor> list, Dictionary<ModuleTensor, string> aliasOf, Dictionary<IntPtr, string> seen)
    {
        if (seen.TryGetValue(t.Tensor.Handle, out var first)) aliasOf[t] = first;
        else seen[t.Tensor.Handle] = t.Name;
        list.Add(t);
    }

    /// <summary>Gates stacked along dimension 0 of a recurrent weight: 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n), 1 (RNN).</summary>
    internal static int Gates(nn.Module module) => module switch
    {
        LSTM => 4,
        GRU => 3,
        _ => 1,
    };

    private static bool IsRecurrent(nn.Module module) => module is LSTM or GRU or RNN;

    /// <summary>The stated layout of a tensor (see the type's remarks and docs/torchsharp.md).</summary>
    internal static WeightShape? ShapeFor(nn.Module module, string local, Tensor tensor)
    {
        var dims = tensor.shape.Select(d => checked((int)d)).ToArray();
        if (dims.Length < 2) return new WeightShape(dims); // vectors and scalars: no fans
        return (module, local) switch
        {
            (Linear, "weight") => new WeightShape(dims, WeightLayout.OutIn),
            // [out, in1, in2]: fan_in = in1·in2 (the products feeding one output), fan_out = out·in2.
            (Bilinear, "weight") => new WeightShape(dims, WeightLayout.OutInKernel),
            (Convolution c, "weight") when c.transposed => new WeightShape(dims, WeightLayout.InOutKernel, checked((int)c.groups)),
            (Convolution c, "weight") => new WeightShape(dims, WeightLayout.OutInKernel, checked((int)c.groups)),
            // [num_embeddings, dim] read as the [out, in] matrix of the tied output projection (PyTorch's numbers too).
            (Embedding, "weight") => new WeightShape(dims, WeightLayout.OutIn),
            // [gates·H, in]: the gate matrices are stacked along dim 0, so fan_out is H per gate (groups = gates).
            (_, _) when IsRecurrent(module) && local.StartsWith("weight_", StringComparison.Ordinal) =>
                new WeightShape(dims, WeightLayout.OutInKernel, Gates(module)),
            // [3E, E]: q, k and v projections stacked along dim 0 (groups = 3).
            (MultiheadAttention, "in_proj_weight") => new WeightShape(dims, WeightLayout.OutInKernel, 3),
            (MultiheadAttention, "q_proj_weight" or "k_proj_weight" or "v_proj_weight" or "out_proj.weight") => new WeightShape(dims, WeightLayout.OutIn),
            // [1, 1, E]: PyTorch initializes these with xavier_normal_, whose fans are (E, E) in this layout.
            (MultiheadAttention, "bias_k" or "bias_v") => new WeightShape(dims, WeightLayout.OutInKernel),
            _ => null,
        };
    }

    /// <summary>PyTorch's default for one tensor as a WeightInit initializer and shape (PyTorch's fans, as its constructors
    /// compute them), or null for a buffer whose default is set by <see cref="ResetBuffer"/>.</summary>
    /// <exception cref="ArgumentException">The module type is not one PyTorch's defaults are known for.</exception>
    internal static (Initializer Initializer, WeightShape Shape)? PyTorchDefault(ModuleTensor t, IReadOnlyList<ModuleTensor> siblings)
    {
        if (t.IsBuffer) return null;
        var call = PyTorchCall(t, siblings);
        Initializer init = call.ThenZero ? new Constant(0) : call.Kind switch
        {
            TorchCallKind.Uniform => Init.Uniform(call.A, call.B),
            TorchCallKind.Normal => Init.Normal(call.A, call.B),
            _ => new Constant(call.A),
        };
        return (init, new WeightShape(t.Dimensions));
    }

    /// <summary>The call PyTorch's constructor makes on a parameter, with its bounds computed in double exactly as
    /// torch/nn/init.py and the module's <c>reset_parameters</c> do.</summary>
    internal static TorchCall PyTorchCall(ModuleTensor t, IReadOnlyList<ModuleTensor> siblings)
    {
        var m = t.Module;
        switch (m, t.LocalName)
        {
            case (Linear or Convolution, "weight"):
            case (MultiheadAttention, "out_proj.weight"):
                return KaimingUniformSqrt5(t.Dimensions);
            case (Linear or Convolution, "bias"):
                return BiasOf(siblings, t, "weight");
            case (MultiheadAttention, "out_proj.bias"):
                // The out_proj Linear's constructor draws its bias, then _reset_parameters sets it to 0: the draw moves the stream.
                return BiasOf(siblings, t, "out_proj.weight") with { ThenZero = true };
            case (MultiheadAttention, "in_proj_bias"):
                return TorchCall.Fill(0);
            case (MultiheadAttention, "in_proj_weight" or "q_proj_weight" or "k_proj_weight" or "v_proj_weight"):
                return Init.GlorotUniform().ToTorchCall(TorchFans(t.Dimensions))!.Value;
            case (MultiheadAttention, "bias_k" or "bias_v"):
                return Init.GlorotNormal().ToTorchCall(TorchFans(t.Dimensions))!.Value;
            case (Bilinear, "weight" or "bias"):
            {
                var w = Sibling(siblings, t, "weight");
                return TorchCall.Uniform(1 / Math.Sqrt(w.Dimensions[1]));
            }
            case (Embedding, "weight"):
                return new TorchCall(TorchCallKind.Normal, 0, 1);
            case (LayerNorm or GroupNorm or NormBase, "weight"):
                return TorchCall.Fill(1);
            case (LayerNorm or GroupNorm or NormBase, "bias"):
                return TorchCall.Fill(0);
            case (_, _) when IsRecurrent(m):
            {
                // reset_parameters: every parameter U(±1/√hidden_size); weight_hh_l0 is [gates·H, H].
                var hh = Sibling(siblings, t, "weight_hh_l0");
                return TorchCall.Uniform(1 / Math.Sqrt(hh.Dimensions[1]));
            }
            default:
                throw new ArgumentException(
                    $"Preset pytorch-default does not know parameter '{t.Name}' of module type {t.ModuleType}; it knows {Known}. " +
                    "Give that parameter a rule (e.g. Rule(\"" + t.Name + "\", Init.Zeros())).");
        }
    }

    /// <summary>The order PyTorch's constructor draws a module's parameters in: MultiheadAttention builds its out_proj Linear
    /// (drawing its weight and bias) before _reset_parameters draws in_proj; every other module draws in parameter order.</summary>
    internal static IEnumerable<ModuleTensor> ConstructionOrder(IEnumerable<ModuleTensor> moduleTensors) =>
        moduleTensors.OrderBy(t => t.Module is MultiheadAttention && t.LocalName.StartsWith("out_proj.", StringComparison.Ordinal) ? 0 : 1);

    /// <summary>Whether <see cref="ResetBuffer"/> resets <paramref name="t"/>: a norm's running_mean, running_var or num_batches_tracked.</summary>
    internal static bool IsResetBuffer(ModuleTensor t) =>
        t.IsBuffer && t.Module is NormBase && t.LocalName is "running_mean" or "running_var" or "num_batches_tracked";

    /// <summary>Resets a buffer to the value its module's <c>reset_running_stats</c> gives: running_mean 0, running_var 1,
    /// num_batches_tracked 0; other buffers are left as they are. Returns whether it was reset.</summary>
    internal static bool ResetBuffer(ModuleTensor t)
    {
        using var _ = torch.no_grad();
        switch (t.LocalName)
        {
            case "running_mean" or "num_batches_tracked": t.Tensor.zero_(); return true;
            case "running_var": t.Tensor.fill_(1); return true;
            default: return false;
        }
    }

    // kaiming_uniform_(w, a=math.sqrt(5)): gain = calculate_gain('leaky_relu', a); std = gain / √fan_in; bound = √3·std.
    private static TorchCall KaimingUniformSqrt5(IReadOnlyList<int> dims) =>
        Init.HeUniform(negativeSlope: Math.Sqrt(5)).ToTorchCall(TorchFans(dims))!.Value;

    // The registry's pytorch_bias: bound = 1/√fan_in of the weight beside the bias (_calculate_fan_in_and_fan_out), 0 when fan_in is 0.
    private static TorchCall BiasOf(IReadOnlyList<ModuleTensor> siblings, ModuleTensor bias, string weightName)
    {
        var w = Sibling(siblings, bias, weightName);
        return TorchCall.Uniform(PyTorchBias.Bound(TorchFans(w.Dimensions).FanIn));
    }

    /// <summary>A rule's <c>pytorch_bias</c> without a fan_in, completed with the PyTorch fan_in of the weight beside the bias (the
    /// same module's parameter named like the bias with its final "bias" replaced by "weight", 2 or more dimensions: Linear,
    /// Conv*, MultiheadAttention's out_proj); any other initializer, or a bias with no such weight, is returned as given.</summary>
    internal static Initializer CompleteBias(Initializer init, ModuleTensor t, IReadOnlyList<ModuleTensor> siblings)
    {
        if (init is not PyTorchBias { WeightFanIn: null } || !t.LocalName.EndsWith("bias", StringComparison.Ordinal)) return init;
        string weightName = t.LocalName[..^"bias".Length] + "weight";
        var w = siblings.FirstOrDefault(s => ReferenceEquals(s.Module, t.Module) && s.LocalName == weightName && s.Dimensions.Count >= 2);
        return w is null ? init : PyTorchBias.For(TorchFans(w.Dimensions).FanIn);
    }

    private static Fans TorchFans(IReadOnlyList<int> dims) => FanCalculator.Compute(dims.ToArray(), FanConvention.PyTorch);

    private static ModuleTensor Sibling(IReadOnlyList<ModuleTensor> all, ModuleTensor of, string localName) =>
        all.FirstOrDefault(s => ReferenceEquals(s.Module, of.Module) && s.LocalName == localName)
        ?? throw new ArgumentException($"Parameter '{of.Name}' of {of.ModuleType}: its module has no '{localName}' to take the bound from.");
}

