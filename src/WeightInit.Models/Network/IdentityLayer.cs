using WeightInit.Gains;
using WeightInit.LinearAlgebra;
using WeightInit.Random;

namespace WeightInit.Models;

/// <summary>A layer that passes values through (flatten, and the softmax marker whose work the loss does).</summary>
public sealed class IdentityLayer(string name, int size, string kind) : NetworkLayer(name, size, size)
{
    /// <inheritdoc/>
    public override string Kind { get; } = kind;

    /// <inheritdoc/>
    public override void Forward(float[] x, float[] y, int batch) => x.CopyTo(y, 0);

    /// <inheritdoc/>
    public override void Backward(float[] x, float[] y, float[] dy, float[] dx, int batch) => dy.CopyTo(dx, 0);
}
