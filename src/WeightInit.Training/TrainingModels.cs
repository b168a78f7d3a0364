using WeightInit.Analysis.Models;

namespace WeightInit.Training;

/// <summary>The model specs the training experiments use.</summary>
public static class TrainingModels
{
    /// <summary>A multilayer perceptron: <paramref name="hiddenLayers"/> × (dense(<paramref name="width"/>) → activation), dense(classes), softmax.</summary>
    /// <remarks>Tensor names are layer{i}.weight / layer{i}.bias with i counting every layer (activations included), as <see cref="ModelSpec"/> names them.</remarks>
    /// <param name="inputs">Input features.</param>
    /// <param name="hiddenLayers">Hidden layers (≥ 0).</param>
    /// <param name="width">Units per hidden layer.</param>
    /// <param name="activation">Activation after each hidden layer (a name from the activation catalogue).</param>
    /// <param name="classes">Output units.</param>
    /// <param name="weightInitializer">Initializer spec of every weight.</param>
    /// <param name="biasInitializer">Initializer spec of every bias.</param>
    public static ModelSpec Mlp(int inputs, int hiddenLayers, int width, string activation, int classes, string weightInitializer, string biasInitializer = "zeros")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hiddenLayers);
        var layers = new List<LayerSpec>(2 * hiddenLayers + 2);
        for (int i = 0; i < hiddenLayers; i++)
        {
            layers.Add(new Dense(width));
            layers.Add(new ActivationLayer(activation));
        }
        layers.Add(new Dense(classes));
        layers.Add(new Softmax());
        return new ModelSpec($"mlp {inputs}-{width}x{hiddenLayers}-{classes} {activation}", FeatureShape.Features(inputs), layers)
        {
            WeightInitializer = weightInitializer,
            BiasInitializer = biasInitializer,
        };
    }
}
