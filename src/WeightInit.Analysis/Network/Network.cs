using WeightInit.Analysis.Models;
using WeightInit.Gains;
using WeightInit.LinearAlgebra;
using WeightInit.Random;

namespace WeightInit.Analysis.Network;

/// <summary>A trainable tensor: its name, values and the gradient accumulated by <see cref="Network.Backward"/>.</summary>
/// <param name="Name">The tensor name (e.g. "layer3.weight"), also the name its key is folded from.</param>
/// <param name="Tensor">The tensor's shape and initializer.</param>
/// <param name="Value">The values, row-major in the tensor's layout.</param>
/// <param name="Gradient">∂loss/∂value, same layout; summed over the batch.</param>
public sealed record Parameter(string Name, ParameterTensor Tensor, float[] Value, float[] Gradient);

/// <summary>A float32 feed-forward network built from a <see cref="ModelSpec"/>: forward, backward, parameters and per-layer traces.</summary>
/// <remarks>
/// <para>Tensors are batch-major float arrays: [batch, features] or [batch, channels, height, width]. Dense layers and
/// convolutions (im2col) run on the deterministic <see cref="Gemm"/>, so a pass gives the same bits at any thread count.</para>
/// <para>Each parameter is filled by its initializer with the key <c>root.Fold(name)</c>: the same seed and model give the same
/// network as <c>weightinit init</c> writes.</para>
/// <para>After <see cref="Forward"/>, <see cref="Activations"/>[i] holds the output of top-level layer i; after
/// <see cref="Backward"/>, <see cref="Gradients"/>[i] holds ∂loss/∂(output of layer i).</para>
/// </remarks>
public sealed class Network
{
    private readonly List<NetworkLayer> _layers;
    private float[] _input = [];
    private int _batch;

    private Network(ModelShapes shapes, List<NetworkLayer> layers, List<Parameter> parameters)
    {
        Shapes = shapes;
        _layers = layers;
        Parameters = parameters;
        Activations = new float[layers.Count][];
        Gradients = new float[layers.Count][];
    }

    /// <summary>The inferred model.</summary>
    public ModelShapes Shapes { get; }

    /// <summary>The trainable tensors, in model order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The top-level layers.</summary>
    public IReadOnlyList<NetworkLayer> Layers => _layers;

    /// <summary>Output of each top-level layer in the last forward pass.</summary>
    public float[][] Activations { get; }

    /// <summary>Gradient of the loss with respect to each top-level layer's output in the last backward pass.</summary>
    public float[][] Gradients { get; }

    /// <summary>Input elements per example.</summary>
    public int InputSize => (int)Shapes.Model.Input.ElementCount;

    /// <summary>Output elements per example.</summary>
    public int OutputSize => (int)Shapes.Output.ElementCount;

    /// <summary>Builds and initializes a network: every tensor filled by its initializer under <c>root.Fold(tensorName)</c>.</summary>
    /// <exception cref="ArgumentException">The model does not infer (the message names the layer and field).</exception>
    public static Network Build(ModelSpec model, PhiloxKey root, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        var shapes = model.Infer();
        var parameters = new List<Parameter>();
        var layers = shapes.Layers.Select(l => Create(l, root, parameters, threads)).ToList();
        return new Network(shapes, layers, parameters);
    }

    private static NetworkLayer Create(InferredLayer layer, PhiloxKey root, List<Parameter> parameters, int threads)
    {
        Parameter? Make(ParameterTensor? t)
        {
            if (t is null) return null;
            var value = new float[t.Shape.ElementCount];
            t.Initializer.Fill(root.Fold(t.Name), t.Shape, value, 0, new Sampling.SamplingOptions { MaxThreads = threads });
            var p = new Parameter(t.Name, t, value, new float[value.Length]);
            parameters.Add(p);
            return p;
        }
        int inSize = (int)layer.Input.ElementCount, outSize = (int)layer.Output.ElementCount;
        return layer.Layer switch
        {
            Dense => new DenseLayer(layer.Name, inSize, outSize, Make(layer.Weight)!, Make(layer.Bias), threads),
            Conv2d c => new ConvLayer(layer.Name, layer.Input, layer.Output, c, Make(layer.Weight)!, Make(layer.Bias), threads),
            ActivationLayer a => new ActivationFunctionLayer(layer.Name, inSize, ModelSpec.ResolveActivation(a, layer.Name)),
            PRelu => new PReluLayer(layer.Name, inSize, layer.Input.Channels, Make(layer.Parameters[0])!),
            Residual r => new ResidualLayer(layer.Name, inSize, r.BranchScale, layer.Branch.Select(b => Create(b, root, parameters, threads)).ToList()),
            _ => new IdentityLayer(layer.Name, inSize, layer.Layer.Type),
        };
    }

    /// <summary>Runs the network on <paramref name="batch"/> examples (input [batch, InputSize]); returns the output [batch, OutputSize].</summary>
    public float[] Forward(float[] input, int batch)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (batch <= 0 || input.Length != (long)batch * InputSize)
            throw new ArgumentException($"The input must hold batch × {InputSize} values; got {input.Length} for batch {batch}.");
        _input = input;
        _batch = batch;
        var x = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            var y = new float[(long)batch * _layers[i].OutputSize];
            _layers[i].Forward(x, y, batch);
            Activations[i] = y;
            x = y;
        }
        return x;
    }

    /// <summary>Back-propagates ∂loss/∂output from the last forward pass; sets every parameter's gradient (not accumulated across calls) and returns ∂loss/∂input.</summary>
    public float[] Backward(float[] outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (_batch == 0) throw new InvalidOperationException("Backward needs a forward pass first.");
        if (outputGradient.Length != (long)_batch * OutputSize)
            throw new ArgumentException($"The output gradient must hold batch × {OutputSize} values; got {outputGradient.Length}.");
        foreach (var p in Parameters) Array.Clear(p.Gradient);
        var dy = outputGradient;
        for (int i = _layers.Count - 1; i >= 0; i--)
        {
            Gradients[i] = dy;
            var x = i == 0 ? _input : Activations[i - 1];
            var dx = new float[x.Length];
            _layers[i].Backward(x, Activations[i], dy, dx, _batch);
            dy = dx;
        }
        return dy;
    }

    /// <summary>Mean softmax cross-entropy of <paramref name="logits"/> [batch, classes] against <paramref name="labels"/>, and ∂loss/∂logits.</summary>
    /// <remarks>The loss is averaged over the batch, so the gradient is (softmax − onehot)/batch. Softmax uses the max-shifted form.</remarks>
    public static (double Loss, float[] Gradient) SoftmaxCrossEntropy(float[] logits, int[] labels, int batch)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        int classes = logits.Length / batch;
        if (labels.Length != batch || classes * batch != logits.Length)
            throw new ArgumentException($"Logits must be [batch, classes] and labels [batch]; got {logits.Length} logits, {labels.Length} labels, batch {batch}.");
        var grad = new float[logits.Length];
        double loss = 0;
        for (int b = 0; b < batch; b++)
        {
            var row = logits.AsSpan(b * classes, classes);
            int label = labels[b];
            if ((uint)label >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), label, $"Labels must lie in [0, {classes}).");
            float max = float.NegativeInfinity;
            foreach (float v in row) max = Math.Max(max, v);
            double sum = 0;
            foreach (float v in row) sum += Math.Exp(v - max);
            double logSum = Math.Log(sum) + max;
            loss += logSum - row[label];
            for (int c = 0; c < classes; c++)
                grad[b * classes + c] = (float)((Math.Exp(row[c] - logSum) - (c == label ? 1 : 0)) / batch);
        }
        return (loss / batch, grad);
    }
}

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
