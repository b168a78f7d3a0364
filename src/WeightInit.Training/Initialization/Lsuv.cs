using WeightInit.Analysis.Measurement;
using WeightInit.Models;

namespace WeightInit.Training.Initialization;

/// <summary>Settings of <see cref="Lsuv"/>.</summary>
/// <param name="TargetVariance">The output variance each layer is scaled to (the reference code's <c>needed_variance</c> = 1).</param>
/// <param name="Tolerance">Stop when |Var − target| &lt; tolerance (Tol_var; the reference code's <c>margin</c> = 0.02).</param>
/// <param name="MaxIterations">Most rescalings per layer (T_max; the reference code's <c>max_iter</c> = 20).</param>
public sealed record LsuvOptions(double TargetVariance = 1.0, double Tolerance = 0.02, int MaxIterations = 20);

/// <summary>What LSUV did to one layer.</summary>
/// <param name="Layer">The layer name.</param>
/// <param name="Iterations">Rescalings applied.</param>
/// <param name="InitialVariance">Output variance before the first rescaling.</param>
/// <param name="FinalVariance">Output variance after the last rescaling.</param>
public sealed record LsuvLayerReport(string Layer, int Iterations, double InitialVariance, double FinalVariance);

/// <summary>Layer-sequential unit-variance initialization (LSUV): a data-driven rescaling of an already initialized network.</summary>
/// <remarks>
/// <para>Mishkin &amp; Matas, "All you need is a good init" (ICLR 2016, arXiv:1511.06422), Algorithm 1: pre-initialize every
/// dense and convolution weight with an orthonormal matrix (build the network with the <c>orthogonal</c> initializer), then,
/// for each such layer from first to last, forward a minibatch, measure the variance of the layer's output (before the
/// activation) and divide the weight by its square root, until |Var − 1| &lt; Tol_var or T_max rescalings.</para>
/// <para>As in the reference implementation (<c>ducha-aiki/LSUVinit</c>, <c>lsuv_init.py</c>) biases are left alone, only
/// top-level layers are visited, and the same minibatch is used throughout. The procedure is deterministic given the batch.</para>
/// </remarks>
public static class Lsuv
{
    /// <summary>Rescales the dense and convolution weights of <paramref name="network"/> in place; returns what was done per layer.</summary>
    /// <param name="network">An initialized network (orthogonal weights for the paper's method).</param>
    /// <param name="inputs">The minibatch, [batch, InputSize]; the paper advises a large one.</param>
    /// <param name="batch">Examples in <paramref name="inputs"/>.</param>
    /// <param name="options">Target, tolerance and iteration cap; null for the paper's.</param>
    /// <exception cref="ArgumentException">The batch has the wrong size, or a layer's output has zero or non-finite variance (it cannot be rescaled to the target).</exception>
    public static IReadOnlyList<LsuvLayerReport> Apply(Network network, float[] inputs, int batch, LsuvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= new LsuvOptions();
        if (!(options.TargetVariance > 0) || !(options.Tolerance > 0) || options.MaxIterations < 1)
            throw new ArgumentException($"LSUV needs a positive target variance and tolerance and at least one iteration; got {options}.");
        var reports = new List<LsuvLayerReport>();
        for (int i = 0; i < network.Layers.Count; i++)
        {
            var weight = network.Layers[i] switch
            {
                DenseLayer d => d.Weight,
                ConvLayer c => c.Weight,
                _ => null,
            };
            if (weight is null) continue;
            double initial = double.NaN, variance = double.NaN;
            int iterations = 0;
            while (true)
            {
                network.Forward(inputs, batch);
                variance = TensorStatistics.Of(network.Activations[i]).Variance;
                if (double.IsNaN(initial)) initial = variance;
                if (!(variance > 0) || !double.IsFinite(variance))
                    throw new ArgumentException($"LSUV: the output of layer {network.Layers[i].Name} has variance {variance}; it cannot be scaled to {options.TargetVariance}.");
                if (Math.Abs(variance - options.TargetVariance) < options.Tolerance || iterations >= options.MaxIterations) break;
                float scale = (float)Math.Sqrt(options.TargetVariance / variance);
                foreach (ref float w in weight.Value.AsSpan()) w *= scale;
                iterations++;
            }
            reports.Add(new LsuvLayerReport(network.Layers[i].Name, iterations, initial, variance));
        }
        return reports;
    }
}
