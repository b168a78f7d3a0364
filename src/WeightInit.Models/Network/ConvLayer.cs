using WeightInit.Gains;
using WeightInit.LinearAlgebra;
using WeightInit.Random;

namespace WeightInit.Models;

/// <summary>2-D convolution with stride, zero padding and groups, by im2col and <see cref="Gemm"/>; weight [out, in/groups, k, k].</summary>
public sealed class ConvLayer : NetworkLayer
{
    private readonly FeatureShape _in, _out;
    private readonly int _k, _stride, _pad, _groups, _threads;

    internal ConvLayer(string name, FeatureShape input, FeatureShape output, Conv2d spec, Parameter weight, Parameter? bias, int threads)
        : base(name, (int)input.ElementCount, (int)output.ElementCount)
    {
        _in = input; _out = output; _k = spec.Kernel; _stride = spec.Stride; _pad = spec.Padding; _groups = spec.Groups; _threads = threads;
        Weight = weight;
        Bias = bias;
    }

    /// <summary>The weight [out, in/groups, k, k].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override string Kind => "conv2d";

    private int Dop => _threads > 0 ? _threads : -1;
    private int CinG => _in.Channels / _groups;
    private int CoutG => _out.Channels / _groups;
    private int Rows => CinG * _k * _k;
    private int Cols => _out.Height * _out.Width;

    // cols[(c·k + ky)·k + kx, oy·W_out + ox] = x[c, oy·s − p + ky, ox·s − p + kx] (0 outside), for the channels of one group.
    private void Im2Col(ReadOnlySpan<float> x, int group, Span<float> cols)
    {
        for (int c = 0; c < CinG; c++)
            for (int ky = 0; ky < _k; ky++)
                for (int kx = 0; kx < _k; kx++)
                {
                    int row = (c * _k + ky) * _k + kx;
                    var plane = x.Slice((group * CinG + c) * _in.Height * _in.Width, _in.Height * _in.Width);
                    for (int oy = 0; oy < _out.Height; oy++)
                    {
                        int iy = oy * _stride - _pad + ky;
                        for (int ox = 0; ox < _out.Width; ox++)
                        {
                            int ix = ox * _stride - _pad + kx;
                            cols[row * Cols + oy * _out.Width + ox] = (uint)iy < (uint)_in.Height && (uint)ix < (uint)_in.Width ? plane[iy * _in.Width + ix] : 0f;
                        }
                    }
                }
    }

    private void Col2ImAdd(ReadOnlySpan<float> cols, int group, Span<float> dx)
    {
        for (int c = 0; c < CinG; c++)
            for (int ky = 0; ky < _k; ky++)
                for (int kx = 0; kx < _k; kx++)
                {
                    int row = (c * _k + ky) * _k + kx;
                    var plane = dx.Slice((group * CinG + c) * _in.Height * _in.Width, _in.Height * _in.Width);
                    for (int oy = 0; oy < _out.Height; oy++)
                    {
                        int iy = oy * _stride - _pad + ky;
                        if ((uint)iy >= (uint)_in.Height) continue;
                        for (int ox = 0; ox < _out.Width; ox++)
                        {
                            int ix = ox * _stride - _pad + kx;
                            if ((uint)ix < (uint)_in.Width) plane[iy * _in.Width + ix] += cols[row * Cols + oy * _out.Width + ox];
                        }
                    }
                }
    }

    /// <inheritdoc/>
    public override void Forward(float[] x, float[] y, int batch)
    {
        var cols = new float[Rows * Cols];
        for (int b = 0; b < batch; b++)
        {
            var xb = x.AsSpan(b * InputSize, InputSize);
            var yb = y.AsSpan(b * OutputSize, OutputSize);
            for (int g = 0; g < _groups; g++)
            {
                Im2Col(xb, g, cols);
                Gemm.Multiply(Transpose.None, Transpose.None, CoutG, Cols, Rows, 1f, Weight.Value.AsSpan(g * CoutG * Rows, CoutG * Rows), Rows,
                    cols, Cols, 0f, yb.Slice(g * CoutG * Cols, CoutG * Cols), Cols, Dop);
            }
            if (Bias is { } bias)
                for (int o = 0; o < _out.Channels; o++)
                    foreach (ref float v in yb.Slice(o * Cols, Cols)) v += bias.Value[o];
        }
    }

    /// <inheritdoc/>
    public override void Backward(float[] x, float[] y, float[] dy, float[] dx, int batch)
    {
        var cols = new float[Rows * Cols];
        var dcols = new float[Rows * Cols];
        Array.Clear(dx);
        for (int b = 0; b < batch; b++)
        {
            var xb = x.AsSpan(b * InputSize, InputSize);
            var dyb = dy.AsSpan(b * OutputSize, OutputSize);
            var dxb = dx.AsSpan(b * InputSize, InputSize);
            for (int g = 0; g < _groups; g++)
            {
                Im2Col(xb, g, cols);
                var dyg = dyb.Slice(g * CoutG * Cols, CoutG * Cols);
                Gemm.Multiply(Transpose.None, Transpose.Transposed, CoutG, Rows, Cols, 1f, dyg, Cols, cols, Cols, 1f,
                    Weight.Gradient.AsSpan(g * CoutG * Rows, CoutG * Rows), Rows, Dop);
                Gemm.Multiply(Transpose.Transposed, Transpose.None, Rows, Cols, CoutG, 1f, Weight.Value.AsSpan(g * CoutG * Rows, CoutG * Rows), Rows,
                    dyg, Cols, 0f, dcols, Cols, Dop);
                Col2ImAdd(dcols, g, dxb);
            }
            if (Bias is { } bias)
                for (int o = 0; o < _out.Channels; o++)
                {
                    float s = 0;
                    foreach (float v in dyb.Slice(o * Cols, Cols)) s += v;
                    bias.Gradient[o] += s;
                }
        }
    }
}
