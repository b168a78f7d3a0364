namespace WeightInit.Models;

/// <summary>One layer of a <see cref="ModelSpec"/>: a description only (no weights); <see cref="ModelSpec.Infer"/> gives its shapes and tensors.</summary>
/// <remarks>Layers are values: two specs with the same fields are equal. The JSON "type" of each kind is its <see cref="Type"/>.</remarks>
public abstract record LayerSpec
{
    private protected LayerSpec() { }

    /// <summary>The layer's name, used in tensor names ("fc1.weight") and messages; null gives "layer{index}" (see <see cref="ModelSpec"/>).</summary>
    public string? Name { get; init; }

    /// <summary>The JSON type discriminator: dense, conv2d, activation, flatten, residual or softmax.</summary>
    public abstract string Type { get; }
}

/// <summary>A fully connected layer y = W x + b with W of shape [out, in] (PyTorch <c>nn.Linear</c>); reads a flat input.</summary>
/// <param name="Units">Output features (fan-out of W).</param>
/// <param name="Bias">Whether the layer has a bias vector b of <paramref name="Units"/> elements.</param>
public sealed record Dense(int Units, bool Bias = true) : LayerSpec
{
    /// <inheritdoc/>
    public override string Type => "dense";
}

/// <summary>A 2-D convolution with square kernels (PyTorch <c>nn.Conv2d</c>); weight [out, in/groups, k, k]; reads channels × height × width.</summary>
/// <remarks>Output size per spatial axis: ⌊(size + 2·padding − kernel)/stride⌋ + 1 (dilation 1, zero padding).</remarks>
/// <param name="Channels">Output channels.</param>
/// <param name="Kernel">Kernel height = width.</param>
/// <param name="Stride">Stride on both axes.</param>
/// <param name="Padding">Zero padding on each side of both axes.</param>
/// <param name="Groups">Channel groups; must divide the input and the output channels.</param>
/// <param name="Bias">Whether the layer has a bias of <paramref name="Channels"/> elements.</param>
public sealed record Conv2d(int Channels, int Kernel, int Stride = 1, int Padding = 0, int Groups = 1, bool Bias = true) : LayerSpec
{
    /// <inheritdoc/>
    public override string Type => "conv2d";
}

/// <summary>An element-wise activation, spelled as in the activation catalogue (<see cref="Gains.Activation.Parse"/>): "tanh", "relu", "leaky_relu:0.2", "prelu:0.25".</summary>
/// <remarks>Named <c>ActivationLayer</c> because a member cannot share its type's name; its JSON type is "activation".</remarks>
/// <param name="Activation">The activation's catalogue spelling.</param>
public sealed record ActivationLayer(string Activation) : LayerSpec
{
    /// <inheritdoc/>
    public override string Type => "activation";
}

/// <summary>Reshapes channels × height × width into channels·height·width features (row-major, channel outermost, as PyTorch's <c>flatten(1)</c>).</summary>
public sealed record Flatten : LayerSpec
{
    /// <inheritdoc/>
    public override string Type => "flatten";
}

/// <summary>A residual block: output = input + <see cref="BranchScale"/> · branch(input); the branch must keep the shape.</summary>
/// <remarks>
/// <see cref="BranchScale"/> is α in x_{l+1} = x_l + α F(x_l): 1 for the plain ResNet sum, 1/√L or 1/√(2L) (GPT-2) for
/// depth-scaled stacks of L blocks. Branch layers are named "{block}.{j}" unless they carry their own name.
/// </remarks>
/// <param name="Branch">The layers of F, applied in order.</param>
/// <param name="BranchScale">α, the factor on the branch output (a plain number, may be 0).</param>
public sealed record Residual(IReadOnlyList<LayerSpec> Branch, double BranchScale = 1.0) : LayerSpec
{
    /// <inheritdoc/>
    public override string Type => "residual";

    /// <summary>Value equality, comparing the branch element by element.</summary>
    public bool Equals(Residual? other) =>
        other is not null && Name == other.Name && BranchScale.Equals(other.BranchScale) && Branch.SequenceEqual(other.Branch);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Name);
        h.Add(BranchScale);
        foreach (var layer in Branch) h.Add(layer);
        return h.ToHashCode();
    }

    /// <summary>"Residual { Branch = [..], BranchScale = .. }" with the branch layers listed.</summary>
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Name = ").Append(Name).Append(", Branch = [").Append(string.Join(", ", Branch)).Append("], BranchScale = ").Append(BranchScale);
        return true;
    }
}

/// <summary>PReLU with learnable negative slopes: y = x for x &gt; 0, a·x otherwise; a is a trainable tensor "{layer}.slope".</summary>
/// <remarks>He et al. 2015, "Delving Deep into Rectifiers", Eq. (1): channel-shared (one a) or channel-wise (one a per channel,
/// or per feature for a flat input); initialized to a = 0.25, trained with momentum and no weight decay. PyTorch <c>nn.PReLU(num_parameters, init)</c>.
/// For a fixed slope use the activation <c>prelu:A</c>.</remarks>
/// <param name="InitialSlope">The initial a (finite); the default initializer of the slope tensor is the constant with this value.</param>
/// <param name="ChannelWise">One slope per channel (true) or one shared slope (false).</param>
public sealed record PRelu(double InitialSlope = 0.25, bool ChannelWise = false) : LayerSpec
{
    /// <inheritdoc/>
    public override string Type => "prelu";
}

/// <summary>Softmax over the features: marks a classifier output; allowed only as the last layer (it has no parameters and the theory stops before it).</summary>
public sealed record Softmax : LayerSpec
{
    /// <inheritdoc/>
    public override string Type => "softmax";
}
