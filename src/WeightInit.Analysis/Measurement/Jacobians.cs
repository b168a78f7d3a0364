using WeightInit.Models;
using WeightInit.LinearAlgebra;

namespace WeightInit.Analysis.Measurement;

/// <summary>A Jacobian ∂(block output)/∂(block input) at one example, row-major <see cref="Rows"/> × <see cref="Columns"/>, in double.</summary>
/// <param name="Name">The block: the name of its dense layer (or of its first layer when it starts with an activation); "end-to-end" for a product.</param>
/// <param name="Rows">Output elements.</param>
/// <param name="Columns">Input elements.</param>
/// <param name="Matrix">The values, row-major.</param>
public sealed record JacobianBlock(string Name, int Rows, int Columns, double[] Matrix)
{
    /// <summary>The singular values, descending (<see cref="SymmetricEigen.SingularValues"/>).</summary>
    public double[] SingularValues() => SymmetricEigen.SingularValues(Matrix, Rows, Columns);

    /// <summary>‖J‖²_F / Columns: the mean of σᵢ² over the input dimension, the gain in E[g²] of a back-propagated isotropic gradient.</summary>
    public double MeanSquaredSingularValue()
    {
        double sum = 0;
        foreach (double v in Matrix) sum += v * v;
        return sum / Columns;
    }
}

/// <summary>Jacobians of an initialized network at one input: layer to layer and end to end (Glorot &amp; Bengio 2010 §4.2.1).</summary>
/// <remarks>
/// <para>A <i>block</i> is a dense layer with the activations after it: z_{l} = φ(W_l z_{l−1} + b_l), whose Jacobian is
/// J_l = diag(φ′(h_l))·W_l with h_l the pre-activation at the example (flatten layers are the identity). The end-to-end
/// Jacobian is J_L ⋯ J_1. Glorot &amp; Bengio's point: with the normalized init the singular values of each J_l stay near 1
/// (they report an average near 0.8), with the standard U[±1/√n] init they sit near 0.5, so the product shrinks with depth.</para>
/// <para>Everything is in double (the weights are the network's float32 values, φ′ evaluated in double) with products in a fixed
/// order, so the result is deterministic. Convolutions and residual blocks are not supported here.</para>
/// </remarks>
public static class Jacobians
{
    /// <summary>The Jacobian of every block at <paramref name="example"/> (one input, <see cref="Network.InputSize"/> values).</summary>
    /// <exception cref="ArgumentException">The example has the wrong length.</exception>
    /// <exception cref="NotSupportedException">The network holds a layer other than dense, activation and flatten, or an activation without a derivative.</exception>
    public static IReadOnlyList<JacobianBlock> LayerToLayer(Network net, ReadOnlySpan<float> example)
    {
        ArgumentNullException.ThrowIfNull(net);
        if (example.Length != net.InputSize)
            throw new ArgumentException($"The example must hold {net.InputSize} values; got {example.Length}.", nameof(example));
        foreach (var layer in net.Layers)
            if (layer is not (DenseLayer or ActivationFunctionLayer or IdentityLayer { Kind: "flatten" or "softmax" }))
                throw new NotSupportedException($"Layer {layer.Name} ({layer.Kind}): Jacobians are computed for dense, activation and flatten layers only.");
        var input = example.ToArray();
        net.Forward(input, 1);
        var blocks = new List<JacobianBlock>();
        for (int i = 0; i < net.Layers.Count; i++)
        {
            switch (net.Layers[i])
            {
                case DenseLayer dense:
                {
                    var w = dense.Weight.Value;
                    var matrix = new double[w.Length];
                    for (int k = 0; k < w.Length; k++) matrix[k] = w[k];
                    blocks.Add(new JacobianBlock(dense.Name, dense.OutputSize, dense.InputSize, matrix));
                    break;
                }
                case ActivationFunctionLayer act:
                {
                    var derivative = act.Activation.Derivative
                        ?? throw new NotSupportedException($"Activation '{act.Activation}' of layer {act.Name} has no derivative.");
                    var h = i == 0 ? input : net.Activations[i - 1];
                    if (blocks.Count == 0)
                    {
                        var identity = new double[(long)act.InputSize * act.InputSize];
                        for (int k = 0; k < act.InputSize; k++) identity[(long)k * act.InputSize + k] = 1;
                        blocks.Add(new JacobianBlock(act.Name, act.InputSize, act.InputSize, identity));
                    }
                    var block = blocks[^1];
                    for (int r = 0; r < block.Rows; r++)
                    {
                        double d = derivative(h[r]);
                        var row = block.Matrix.AsSpan(r * block.Columns, block.Columns);
                        for (int c = 0; c < row.Length; c++) row[c] *= d;
                    }
                    break;
                }
            }
        }
        return blocks;
    }

    /// <summary>The product J_L ⋯ J_1 of consecutive blocks (the first block acts first).</summary>
    /// <exception cref="ArgumentException">No blocks, or their shapes do not chain.</exception>
    public static JacobianBlock EndToEnd(IReadOnlyList<JacobianBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0) throw new ArgumentException("No Jacobian blocks to multiply.", nameof(blocks));
        var total = blocks[0];
        for (int b = 1; b < blocks.Count; b++)
        {
            var next = blocks[b];
            if (next.Columns != total.Rows)
                throw new ArgumentException($"Block {next.Name} takes {next.Columns} inputs but {total.Name} gives {total.Rows}.", nameof(blocks));
            var product = new double[(long)next.Rows * total.Columns];
            for (int r = 0; r < next.Rows; r++)
            {
                var outRow = product.AsSpan(r * total.Columns, total.Columns);
                for (int k = 0; k < next.Columns; k++)
                {
                    double a = next.Matrix[r * next.Columns + k];
                    if (a == 0) continue;
                    var inRow = total.Matrix.AsSpan(k * total.Columns, total.Columns);
                    for (int c = 0; c < outRow.Length; c++) outRow[c] += a * inRow[c];
                }
            }
            total = new JacobianBlock("end-to-end", next.Rows, total.Columns, product);
        }
        return blocks.Count == 1 ? blocks[0] with { Name = "end-to-end" } : total;
    }
}
