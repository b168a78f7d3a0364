using WeightInit.Gains;
using WeightInit.LinearAlgebra;
using WeightInit.Random;

namespace WeightInit.Models;

/// <summary>An element-wise activation with its exact derivative (evaluated in double, stored in float).</summary>
public sealed class ActivationFunctionLayer(string name, int size, Activation activation) : NetworkLayer(name, size, size)
{
    /// <summary>The activation.</summary>
    public Activation Activation { get; } = activation;

    /// <inheritdoc/>
    public override string Kind => "activation";

    /// <inheritdoc/>
    public override void Forward(float[] x, float[] y, int batch)
    {
        var f = Activation.Function;
        for (int i = 0; i < x.Length; i++) y[i] = (float)f(x[i]);
    }

    /// <inheritdoc/>
    public override void Backward(float[] x, float[] y, float[] dy, float[] dx, int batch)
    {
        var d = Activation.Derivative
                ?? throw new NotSupportedException($"Activation '{Activation}' of layer {Name} has no derivative, so it cannot be back-propagated.");
        for (int i = 0; i < x.Length; i++) dx[i] = (float)(dy[i] * d(x[i]));
    }
}
