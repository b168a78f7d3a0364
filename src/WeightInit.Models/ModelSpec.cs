using System.Globalization;
using WeightInit.Initializers;
using WeightInit.Shapes;

namespace WeightInit.Models;

/// <summary>A network to initialize and analyse: input shape, layers, default initializers and override rules.</summary>
/// <remarks>
/// <para>Tensor names are "{layer}.weight" and "{layer}.bias" where {layer} is the layer's <see cref="LayerSpec.Name"/>, else
/// "layer{i}" with i its position in <see cref="Layers"/> from 0 (every layer counts, as in PyTorch's <c>nn.Sequential</c>),
/// and "{block}.{j}" for layer j of a residual block's branch.</para>
/// <para>The initializer of a tensor is the <see cref="InitRule.Initializer"/> of the last rule whose pattern matches its
/// name, else <see cref="WeightInitializer"/> or <see cref="BiasInitializer"/> by role.</para>
/// <para>Text forms: JSON (<see cref="ToJson"/>, <see cref="FromJson"/>) and the inline forms of <see cref="Parse"/>.</para>
/// </remarks>
/// <param name="Name">A label for reports.</param>
/// <param name="Input">Shape of one input example.</param>
/// <param name="Layers">The layers, first to last.</param>
public sealed partial record ModelSpec(string Name, FeatureShape Input, IReadOnlyList<LayerSpec> Layers)
{
    /// <summary>The weight initializer when no rule matches: "glorot_uniform" unless set (Keras's default).</summary>
    public string WeightInitializer { get; init; } = "glorot_uniform";

    /// <summary>The bias initializer when no rule matches: "zeros" unless set.</summary>
    public string BiasInitializer { get; init; } = "zeros";

    /// <summary>Override rules, applied in order (the last match wins).</summary>
    public IReadOnlyList<InitRule> Rules { get; init; } = [];

    /// <summary>The initializer spec for a tensor name and role: the last matching rule, else the default for the role.</summary>
    public string InitializerSpecFor(string tensorName, ParameterRole role)
    {
        ArgumentNullException.ThrowIfNull(tensorName);
        for (int i = Rules.Count - 1; i >= 0; i--)
            if (Rules[i].Matches(tensorName)) return Rules[i].Initializer;
        return role == ParameterRole.Weight ? WeightInitializer : BiasInitializer;
    }

    /// <summary>Infers every layer's input and output shape and every parameter tensor with its initializer.</summary>
    /// <exception cref="ArgumentException">A layer does not fit its input or has a bad field, an initializer spec is invalid or
    /// unusable for its tensor, or two tensors share a name; the message names the layer (index and name) and the field.</exception>
    public ModelShapes Infer()
    {
        if (Layers is null) throw new ArgumentException($"Model '{Name}' has no layer list.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var shape = Input;
        if (shape.Channels <= 0) throw new ArgumentException($"Model '{Name}': the input shape is not set (features, or channels x height x width).");
        var inferred = new List<InferredLayer>(Layers.Count);
        for (int i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i] ?? throw new ArgumentException($"Model '{Name}': layer {i} is null.");
            if (layer is Softmax && i != Layers.Count - 1)
                throw new ArgumentException($"layer {i} ({layer.Name ?? "layer" + i}): softmax is allowed only as the last layer (it is layer {i} of {Layers.Count}).");
            var result = InferLayer(layer, i, layer.Name ?? $"layer{i}", $"layer {i}", shape, names);
            inferred.Add(result);
            shape = result.Output;
        }
        return new ModelShapes(this, inferred);
    }

    private InferredLayer InferLayer(LayerSpec layer, int index, string name, string location, FeatureShape input, HashSet<string> names)
    {
        string where = $"{location} ({name})";
        if (string.IsNullOrWhiteSpace(name) || name.Any(char.IsWhiteSpace))
            throw new ArgumentException($"{location}: the name '{name}' must be non-empty and contain no white space.");
        var parameters = new List<ParameterTensor>(2);
        IReadOnlyList<InferredLayer> branch = [];
        FeatureShape output;
        switch (layer)
        {
            case Dense d:
                if (input.IsSpatial)
                    throw new ArgumentException($"{where}: dense needs a flat input but gets {input}; put a flatten layer before it.");
                Positive(d.Units, "Units", where);
                output = FeatureShape.Features(d.Units);
                parameters.Add(Tensor(name, ParameterRole.Weight, [d.Units, input.Channels], 1, where, names));
                if (d.Bias) parameters.Add(Tensor(name, ParameterRole.Bias, [d.Units], 1, where, names));
                break;
            case Conv2d c:
                if (!input.IsSpatial)
                    throw new ArgumentException($"{where}: conv2d needs a channels x height x width input but gets {input} features.");
                Positive(c.Channels, "Channels", where);
                Positive(c.Kernel, "Kernel", where);
                Positive(c.Stride, "Stride", where);
                Positive(c.Groups, "Groups", where);
                if (c.Padding < 0) throw new ArgumentException($"{where}: Padding must be ≥ 0; got {c.Padding}.");
                if (input.Channels % c.Groups != 0)
                    throw new ArgumentException($"{where}: Groups {c.Groups} does not divide the input channels {input.Channels}.");
                if (c.Channels % c.Groups != 0)
                    throw new ArgumentException($"{where}: Groups {c.Groups} does not divide Channels {c.Channels}.");
                int height = OutputSize(input.Height, c, "height", where), width = OutputSize(input.Width, c, "width", where);
                output = FeatureShape.Image(c.Channels, height, width);
                parameters.Add(Tensor(name, ParameterRole.Weight, [c.Channels, input.Channels / c.Groups, c.Kernel, c.Kernel], c.Groups, where, names));
                if (c.Bias) parameters.Add(Tensor(name, ParameterRole.Bias, [c.Channels], 1, where, names));
                break;
            case ActivationLayer a:
                ResolveActivation(a, where);
                output = input;
                break;
            case PRelu p:
                if (!double.IsFinite(p.InitialSlope))
                    throw new ArgumentException($"{where}: InitialSlope must be a finite number; got {p.InitialSlope}.");
                output = input;
                parameters.Add(Tensor(name, ParameterRole.Slope, [p.ChannelWise ? input.Channels : 1], 1, where, names,
                    $"constant(value={p.InitialSlope.ToString("R", CultureInfo.InvariantCulture)})"));
                break;
            case Flatten:
                output = FeatureShape.Features(checked((int)input.ElementCount));
                break;
            case Residual r:
                if (r.Branch is null || r.Branch.Count == 0)
                    throw new ArgumentException($"{where}: a residual block needs at least one branch layer.");
                if (!double.IsFinite(r.BranchScale))
                    throw new ArgumentException($"{where}: BranchScale must be a finite number; got {r.BranchScale}.");
                var inner = new List<InferredLayer>(r.Branch.Count);
                var shape = input;
                for (int j = 0; j < r.Branch.Count; j++)
                {
                    var b = r.Branch[j] ?? throw new ArgumentException($"{where}: branch layer {j} is null.");
                    if (b is Softmax) throw new ArgumentException($"{where}: branch layer {j}: softmax is allowed only as the model's last layer.");
                    var result = InferLayer(b, j, b.Name ?? $"{name}.{j}", $"{where} branch layer {j}", shape, names);
                    inner.Add(result);
                    shape = result.Output;
                }
                if (shape != input)
                    throw new ArgumentException($"{where}: the branch maps {input} to {shape}; a residual block needs the branch to keep the shape.");
                branch = inner;
                output = input;
                break;
            case Softmax:
                output = input;
                break;
            default:
                throw new ArgumentException($"{where}: unsupported layer type {layer.GetType().Name}.");
        }
        return new InferredLayer(index, name, layer, input, output, parameters, branch);
    }

    /// <summary>The activation of an activation layer, parsed from the catalogue; the message names the layer.</summary>
    public static Gains.Activation ResolveActivation(ActivationLayer layer, string where)
    {
        if (string.IsNullOrWhiteSpace(layer.Activation))
            throw new ArgumentException($"{where}: Activation is empty; valid: {string.Join(", ", Gains.Activation.Names)}.");
        try { return Gains.Activation.Parse(layer.Activation); }
        catch (ArgumentException e) { throw new ArgumentException($"{where}: Activation: {e.Message}", e); }
    }

    private ParameterTensor Tensor(string layerName, ParameterRole role, int[] dimensions, int groups, string where, HashSet<string> names, string? roleDefault = null)
    {
        string name = layerName + role switch { ParameterRole.Weight => ".weight", ParameterRole.Bias => ".bias", _ => ".slope" };
        if (!names.Add(name))
            throw new ArgumentException($"{where}: tensor name '{name}' is used twice; give the layers distinct names.");
        var shape = new WeightShape(dimensions, Shapes.WeightLayout.OutInKernel, groups);
        string spec = roleDefault is not null && !Rules.Any(r => r.Matches(name)) ? roleDefault : InitializerSpecFor(name, role);
        Initializer initializer;
        try
        {
            initializer = InitializerRegistry.Parse(spec);
            // Variance-scaling initializers need the tensor's fans: find out now, not at fill time.
            _ = initializer.DistributionFor(shape);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{where}: tensor {name} {shape}: initializer '{spec}': {e.Message}", e);
        }
        return new ParameterTensor(name, role, shape, spec, initializer);
    }

    private static void Positive(int value, string field, string where)
    {
        if (value <= 0) throw new ArgumentException($"{where}: {field} must be positive; got {value}.");
    }

    private static int OutputSize(int size, Conv2d c, string axis, string where)
    {
        int span = size + 2 * c.Padding - c.Kernel;
        if (span < 0)
            throw new ArgumentException($"{where}: Kernel {c.Kernel} is larger than the padded input {axis} {size} + 2·{c.Padding}.");
        return span / c.Stride + 1;
    }

    /// <summary>Value equality, comparing the layer and rule lists element by element.</summary>
    public bool Equals(ModelSpec? other) =>
        other is not null && Name == other.Name && Input == other.Input && WeightInitializer == other.WeightInitializer
        && BiasInitializer == other.BiasInitializer && Layers.SequenceEqual(other.Layers) && Rules.SequenceEqual(other.Rules);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Name); h.Add(Input); h.Add(WeightInitializer); h.Add(BiasInitializer);
        foreach (var l in Layers) h.Add(l);
        foreach (var r in Rules) h.Add(r);
        return h.ToHashCode();
    }

    /// <summary>The inline form when the model has one (see <see cref="Parse"/>), else a one-line summary.</summary>
    public override string ToString() =>
        $"{Name}: {Input} -> {string.Join(" -> ", Layers.Select(Describe))}; weights {WeightInitializer}, biases {BiasInitializer}"
        + (Rules.Count == 0 ? "" : "; " + string.Join(", ", Rules.Select(r => $"{r.Pattern}={r.Initializer}")));

    private static string Describe(LayerSpec l) => l switch
    {
        Dense d => $"dense({d.Units}{(d.Bias ? "" : ", no bias")})",
        Conv2d c => $"conv2d({c.Channels}, k={c.Kernel}, s={c.Stride}, p={c.Padding}{(c.Groups == 1 ? "" : $", g={c.Groups}")}{(c.Bias ? "" : ", no bias")})",
        ActivationLayer a => a.Activation,
        Residual r => $"residual({r.BranchScale.ToString("R", CultureInfo.InvariantCulture)}·[{string.Join(" -> ", r.Branch.Select(Describe))}])",
        _ => l.Type,
    };
}
