using WeightInit.Gains;
using WeightInit.LinearAlgebra;
using WeightInit.Random;

namespace WeightInit.Models;

/// <summary>y = x + scale·branch(x).</summary>
public sealed class ResidualLayer(string name, int size, double scale, IReadOnlyList<NetworkLayer> branch) : NetworkLayer(name, size, size)
{
    private float[][] _inner = [];

    /// <summary>The branch layers.</summary>
    public IReadOnlyList<NetworkLayer> Branch { get; } = branch;

    /// <summary>The branch scale.</summary>
    public double Scale { get; } = scale;

    /// <inheritdoc/>
    public override string Kind => "residual";

    /// <inheritdoc/>
    public override void Forward(float[] x, float[] y, int batch)
    {
        _inner = new float[Branch.Count][];
        var h = x;
        for (int i = 0; i < Branch.Count; i++)
        {
            var o = new float[(long)batch * Branch[i].OutputSize];
            Branch[i].Forward(h, o, batch);
            _inner[i] = o;
            h = o;
        }
        float s = (float)Scale;
        for (int i = 0; i < y.Length; i++) y[i] = x[i] + s * h[i];
    }

    /// <inheritdoc/>
    public override void Backward(float[] x, float[] y, float[] dy, float[] dx, int batch)
    {
        float s = (float)Scale;
        var g = new float[dy.Length];
        for (int i = 0; i < g.Length; i++) g[i] = s * dy[i];
        for (int i = Branch.Count - 1; i >= 0; i--)
        {
            var input = i == 0 ? x : _inner[i - 1];
            var gi = new float[input.Length];
            Branch[i].Backward(input, _inner[i], g, gi, batch);
            g = gi;
        }
        for (int i = 0; i < dx.Length; i++) dx[i] = dy[i] + g[i];
    }
}
