using WeightInit.Gains;
using WeightInit.LinearAlgebra;
using WeightInit.Random;

namespace WeightInit.Models;

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
