using WeightInit.Initializers;
using WeightInit.Shapes;

namespace WeightInit.Models;

/// <summary>What a parameter tensor is for.</summary>
public enum ParameterRole
{
    /// <summary>A weight matrix or convolution kernel (default initializer: <see cref="ModelSpec.WeightInitializer"/>).</summary>
    Weight,
    /// <summary>A bias vector (default initializer: <see cref="ModelSpec.BiasInitializer"/>).</summary>
    Bias,
    /// <summary>A learnable activation parameter: PReLU's negative slopes (default initializer: the constant <see cref="PRelu.InitialSlope"/>).</summary>
    Slope,
}

/// <summary>One parameter tensor of an inferred model, with its resolved initializer.</summary>
/// <param name="Name">"{layer}.weight" or "{layer}.bias", the name rules match and keys are folded from (<c>key.Fold(Name)</c>).</param>
/// <param name="Role">Weight or bias.</param>
/// <param name="Shape">Dense weight [out, in], convolution weight [out, in/groups, k, k], bias [out]; layout <see cref="Shapes.WeightLayout.OutInKernel"/>.</param>
/// <param name="InitializerSpec">The spec that applies (the last matching rule, else the model's default for the role).</param>
/// <param name="Initializer">The spec parsed by <see cref="InitializerRegistry.Parse"/>.</param>
public sealed record ParameterTensor(string Name, ParameterRole Role, WeightShape Shape, string InitializerSpec, Initializer Initializer);

/// <summary>A layer with its inferred input and output shapes and its parameter tensors.</summary>
/// <param name="Index">Position in its list (the model's layers, or the enclosing residual block's branch), from 0.</param>
/// <param name="Name">The layer's name: its own, else "layer{Index}" at the top level and "{block}.{Index}" inside a residual branch.</param>
/// <param name="Layer">The layer's description.</param>
/// <param name="Input">Shape of the data entering the layer.</param>
/// <param name="Output">Shape of the data leaving the layer.</param>
/// <param name="Parameters">Weight then bias, where the layer has them.</param>
/// <param name="Branch">For a residual block, its branch layers (inferred); empty otherwise.</param>
public sealed record InferredLayer(int Index, string Name, LayerSpec Layer, FeatureShape Input, FeatureShape Output,
    IReadOnlyList<ParameterTensor> Parameters, IReadOnlyList<InferredLayer> Branch)
{
    /// <summary>The layer's weight tensor, or null (activation, flatten, residual, softmax).</summary>
    public ParameterTensor? Weight => Parameters.FirstOrDefault(p => p.Role == ParameterRole.Weight);

    /// <summary>The layer's bias tensor, or null.</summary>
    public ParameterTensor? Bias => Parameters.FirstOrDefault(p => p.Role == ParameterRole.Bias);
}

/// <summary>The result of <see cref="ModelSpec.Infer"/>: every layer's shapes and every parameter tensor with its initializer.</summary>
/// <param name="Model">The model described.</param>
/// <param name="Layers">The top-level layers in order (residual blocks hold their branch).</param>
public sealed record ModelShapes(ModelSpec Model, IReadOnlyList<InferredLayer> Layers)
{
    /// <summary>The model's output shape (its input shape when it has no layers).</summary>
    public FeatureShape Output => Layers.Count == 0 ? Model.Input : Layers[^1].Output;

    /// <summary>All parameter tensors in forward order, branch layers in place.</summary>
    public IReadOnlyList<ParameterTensor> Parameters => [.. Walk(Layers).SelectMany(l => l.Parameters)];

    /// <summary>Total number of parameters (elements over all tensors).</summary>
    public long ParameterCount => Parameters.Sum(p => p.Shape.ElementCount);

    /// <summary>The parameter tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message lists the names.</exception>
    public ParameterTensor Parameter(string name) =>
        Parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new KeyNotFoundException($"Model '{Model.Name}' has no tensor '{name}'. Tensors: {string.Join(", ", Parameters.Select(p => p.Name))}.");

    /// <summary>Every layer in forward order, depth first (a residual block before its branch layers).</summary>
    public static IEnumerable<InferredLayer> Walk(IEnumerable<InferredLayer> layers)
    {
        foreach (var layer in layers)
        {
            yield return layer;
            foreach (var inner in Walk(layer.Branch)) yield return inner;
        }
    }
}
