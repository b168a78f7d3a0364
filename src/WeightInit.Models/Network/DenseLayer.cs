using WeightInit.Gains;
using WeightInit.LinearAlgebra;
using WeightInit.Random;

namespace WeightInit.Models;

/// <summary>y = x·Wᵀ + b with W [out, in].</summary>
public sealed class DenseLayer(string name, int inputSize, int outputSize, Parameter weight, Parameter? bias, int threads)
    : NetworkLayer(name, inputSize, outputSize)
{
    /// <summary>The weight [out, in].</summary>
    public Parameter Weight { get; } = weight;

    /// <summary>The bias [out], or null.</summary>
    public Parameter? Bias { get; } = bias;

    /// <inheritdoc/>
    public override string Kind => "dense";

    private int Dop => threads > 0 ? threads : -1;

    /// <inheritdoc/>
    public override void Forward(float[] x, float[] y, int batch)
    {
        Gemm.Multiply(Transpose.None, Transpose.Transposed, batch, OutputSize, InputSize, 1f, x, InputSize, Weight.Value, InputSize, 0f, y, OutputSize, Dop);
        if (Bias is { } b)
            for (int r = 0; r < batch; r++)
            {
                var row = y.AsSpan(r * OutputSize, OutputSize);
                for (int j = 0; j < OutputSize; j++) row[j] += b.Value[j];
            }
    }

    /// <inheritdoc/>
    public override void Backward(float[] x, float[] y, float[] dy, float[] dx, int batch)
    {
        Gemm.Multiply(Transpose.None, Transpose.None, batch, InputSize, OutputSize, 1f, dy, OutputSize, Weight.Value, InputSize, 0f, dx, InputSize, Dop);
        Gemm.Multiply(Transpose.Transposed, Transpose.None, OutputSize, InputSize, batch, 1f, dy, OutputSize, x, InputSize, 1f, Weight.Gradient, InputSize, Dop);
        if (Bias is { } b)
            for (int r = 0; r < batch; r++)
                for (int j = 0; j < OutputSize; j++) b.Gradient[j] += dy[r * OutputSize + j];
    }
}
