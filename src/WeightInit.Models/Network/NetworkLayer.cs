using WeightInit.Gains;
using WeightInit.LinearAlgebra;
using WeightInit.Random;

namespace WeightInit.Models;

/// <summary>One layer of a <see cref="Network"/>.</summary>
public abstract class NetworkLayer(string name, int inputSize, int outputSize)
{
    /// <summary>The layer name.</summary>
    public string Name { get; } = name;

    /// <summary>Input elements per example.</summary>
    public int InputSize { get; } = inputSize;

    /// <summary>Output elements per example.</summary>
    public int OutputSize { get; } = outputSize;

    /// <summary>A short kind: dense, conv2d, activation, residual, flatten, softmax.</summary>
    public abstract string Kind { get; }

    /// <summary>y = f(x) for a batch.</summary>
    public abstract void Forward(float[] x, float[] y, int batch);

    /// <summary>Given x, y = f(x) and ∂L/∂y, writes ∂L/∂x into <paramref name="dx"/> and adds to the parameter gradients.</summary>
    public abstract void Backward(float[] x, float[] y, float[] dy, float[] dx, int batch);
}
