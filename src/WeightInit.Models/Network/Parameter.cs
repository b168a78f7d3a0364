namespace WeightInit.Models;

/// <summary>A trainable tensor: its name, values and the gradient accumulated by <see cref="Network.Backward"/>.</summary>
/// <param name="Name">The tensor name (e.g. "layer3.weight"), also the name its key is folded from.</param>
/// <param name="Tensor">The tensor's shape and initializer.</param>
/// <param name="Value">The values, row-major in the tensor's layout.</param>
/// <param name="Gradient">∂loss/∂value, same layout; summed over the batch.</param>
public sealed record Parameter(string Name, ParameterTensor Tensor, float[] Value, float[] Gradient);
