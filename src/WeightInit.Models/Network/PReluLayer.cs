using WeightInit.Gains;
using WeightInit.LinearAlgebra;
using WeightInit.Random;

namespace WeightInit.Models;

/// <summary>PReLU with learnable slopes: y = x for x &gt; 0, a_c·x otherwise; ∂L/∂a_c = Σ ∂L/∂y·x over the non-positive x of channel c.</summary>
/// <remarks>He et al. 2015, Eq. (1) and (4). A slope tensor of one element is shared by every channel.</remarks>
public sealed class PReluLayer(string name, int size, int channels, Parameter slope) : NetworkLayer(name, size, size)
{
    /// <summary>The slopes: one, or one per channel.</summary>
    public Parameter Slope { get; } = slope;

    /// <inheritdoc/>
    public override string Kind => "prelu";

    // Element i of an example lies in channel i / (size / channels); a shared slope has index 0.
    private int SlopeIndex(int i) => Slope.Value.Length == 1 ? 0 : i / (InputSize / channels);

    /// <inheritdoc/>
    public override void Forward(float[] x, float[] y, int batch)
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = x[i] > 0 ? x[i] : Slope.Value[SlopeIndex(i % InputSize)] * x[i];
    }

    /// <inheritdoc/>
    public override void Backward(float[] x, float[] y, float[] dy, float[] dx, int batch)
    {
        var sums = new double[Slope.Value.Length];
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] > 0) { dx[i] = dy[i]; continue; }
            int c = SlopeIndex(i % InputSize);
            dx[i] = Slope.Value[c] * dy[i];
            sums[c] += (double)dy[i] * x[i];
        }
        for (int c = 0; c < sums.Length; c++) Slope.Gradient[c] += (float)sums[c];
    }
}
