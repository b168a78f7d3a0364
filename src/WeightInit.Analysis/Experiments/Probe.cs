using WeightInit.Analysis.Measurement;
using WeightInit.Models;
using WeightInit.Random;
using WeightInit.Sampling;

namespace WeightInit.Analysis.Experiments;

/// <summary>Forward and backward passes of an initialized network on Gaussian inputs, with per-layer statistics.</summary>
/// <remarks>
/// Inputs are N(0, 1) from the key; the backward pass starts from a random N(0, 1) output gradient (unit second moment,
/// as the theory assumes), so gradient statistics measure propagation, not a particular loss.
/// </remarks>
internal static class Probe
{
    public sealed record Pass(Network Network, float[] Input, IReadOnlyList<TensorStatistics> Activations,
        IReadOnlyList<TensorStatistics> Gradients, IReadOnlyList<string> LayerNames);

    public static Pass Run(ModelSpec model, PhiloxKey key, int batch, int threads, bool backward = true)
    {
        var net = Network.Build(model, key.Fold("weights"), threads);
        var x = new float[(long)batch * net.InputSize];
        new NormalDistribution(0, 1).Fill(key.Fold("input"), x, 0, new SamplingOptions { MaxThreads = threads });
        var y = net.Forward(x, batch);
        var acts = net.Activations.Select(a => TensorStatistics.Of(a)).ToList();
        var grads = new List<TensorStatistics>();
        if (backward)
        {
            var g = new float[y.Length];
            new NormalDistribution(0, 1).Fill(key.Fold("output-gradient"), g, 0, new SamplingOptions { MaxThreads = threads });
            net.Backward(g);
            grads = net.Gradients.Select(a => TensorStatistics.Of(a)).ToList();
        }
        return new Pass(net, x, acts, grads, net.Layers.Select(l => l.Name).ToList());
    }

    /// <summary>A plain MLP: <paramref name="depth"/> × (Dense(width, no bias) + activation), weights by <paramref name="init"/>.</summary>
    public static ModelSpec Mlp(string name, int inputs, int width, int depth, string activation, string init)
    {
        var layers = new List<LayerSpec>();
        for (int i = 0; i < depth; i++)
        {
            layers.Add(new Dense(width, Bias: false) { Name = $"dense{i + 1}" });
            layers.Add(new ActivationLayer(activation) { Name = $"act{i + 1}" });
        }
        return new ModelSpec(name, FeatureShape.Features(inputs), layers) { WeightInitializer = init };
    }

    /// <summary>Element-wise mean and spread of several runs' curves: <see cref="RunSpread.MeanAndSpread"/>.</summary>
    public static (double[] Mean, double[] Spread) MeanAndSpread(IReadOnlyList<double[]> runs) => RunSpread.MeanAndSpread(runs);
}
