using WeightInit.Initializers;
using WeightInit.IO;
using WeightInit.Shapes;

namespace WeightInit.Checkpoints;

/// <summary>One tensor of a checkpoint plan: name, shape with its fan layout stated, element type, role and resolved initializer spec.</summary>
/// <param name="Name">The tensor's name; its Philox key is <c>PhiloxKey.FromSeed(seed).Fold(Name)</c>.</param>
/// <param name="Dimensions">Dimensions, outermost first.</param>
/// <param name="DType">The element type in the file.</param>
/// <param name="Role">What the tensor is (chooses the default initializer).</param>
/// <param name="Layout">How the axes map to fan-in and fan-out (PyTorch: OutInKernel; Hugging Face Conv1D and Keras: InOut / KernelInOut).</param>
/// <param name="Groups">Convolution groups (1 otherwise).</param>
/// <param name="Initializer">The resolved initializer spec, read by <see cref="InitializerRegistry.Parse"/>.</param>
public sealed record CheckpointTensor(string Name, IReadOnlyList<int> Dimensions, TensorDType DType, TensorRole Role, WeightLayout Layout, int Groups, string Initializer)
{
    /// <summary>The shape the initializer sees (dimensions, layout, groups).</summary>
    public WeightShape Shape => new(Dimensions, Layout, Groups);

    /// <summary>The number of elements.</summary>
    public long ElementCount => TensorSource.CountElements(Dimensions.Select(d => (long)d).ToArray(), Name);

    /// <summary>Bytes of data: elements × element size.</summary>
    public long ByteLength => checked(ElementCount * DType.ElementSize());

    /// <summary>Equal when every field, including each dimension, is equal.</summary>
    public bool Equals(CheckpointTensor? other) =>
        other is not null && Name == other.Name && Dimensions.SequenceEqual(other.Dimensions) && DType == other.DType && Role == other.Role
        && Layout == other.Layout && Groups == other.Groups && Initializer == other.Initializer;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Dimensions.Count, DType, Role, Layout, Groups, Initializer);
}

/// <summary>A tensor to be planned: what a model spec, a template header or a preset architecture declares, before initializers are chosen.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Dimensions">Dimensions, outermost first.</param>
/// <param name="DType">The element type, or null for the plan's default.</param>
/// <param name="Role">The role, or null to infer it from the name and rank (<see cref="TensorRoles.Infer"/>).</param>
/// <param name="Layout">The fan layout, or null for the plan's default (OutInKernel unless stated).</param>
/// <param name="Groups">Convolution groups.</param>
/// <param name="Initializer">An explicit initializer spec, or null to let rules and defaults decide.</param>
public sealed record TensorDeclaration(string Name, IReadOnlyList<int> Dimensions, TensorDType? DType = null, TensorRole? Role = null,
    WeightLayout? Layout = null, int Groups = 1, string? Initializer = null);
