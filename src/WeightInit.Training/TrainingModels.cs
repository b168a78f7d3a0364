using WeightInit.Models;

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
    public static ModelSpec Mlp(int inputs, int hiddenLayers, int width, string activation, int classes, string weightInitializer, string biasInitializer = "zeros") =>
        MlpOf(inputs, hiddenLayers, width, new ActivationLayer(activation), activation, classes, weightInitializer, biasInitializer);

    /// <summary>A plain convolutional net: <paramref name="convLayers"/> × (3×3 conv(<paramref name="channels"/>), stride 1, padding 1 → activation), flatten, dense(classes), softmax.</summary>
    /// <remarks>The spatial size stays <paramref name="side"/>×<paramref name="side"/> through the stack (He et al.'s plain nets keep it within a stage);
    /// the dense head reads channels·side² features. <paramref name="activation"/> is the layer after each convolution (e.g. <see cref="ActivationLayer"/> or <see cref="PRelu"/>).</remarks>
    /// <param name="side">Height = width of the one-channel input image.</param>
    /// <param name="convLayers">Convolution layers (≥ 0).</param>
    /// <param name="channels">Channels of every convolution.</param>
    /// <param name="activation">The activation layer after each convolution.</param>
    /// <param name="classes">Output units.</param>
    /// <param name="weightInitializer">Initializer spec of every weight.</param>
    /// <param name="biasInitializer">Initializer spec of every bias.</param>
    public static ModelSpec ConvNet(int side, int convLayers, int channels, LayerSpec activation, int classes, string weightInitializer, string biasInitializer = "zeros")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(convLayers);
        ArgumentNullException.ThrowIfNull(activation);
        var layers = new List<LayerSpec>(2 * convLayers + 3);
        for (int i = 0; i < convLayers; i++)
        {
            layers.Add(new Conv2d(channels, 3, Stride: 1, Padding: 1));
            layers.Add(activation);
        }
        layers.Add(new Flatten());
        layers.Add(new Dense(classes));
        layers.Add(new Softmax());
        return new ModelSpec($"conv {side}x{side} 3x3x{channels}x{convLayers}-{classes} {activation.Type}", FeatureShape.Image(1, side, side), layers)
        {
            WeightInitializer = weightInitializer,
            BiasInitializer = biasInitializer,
        };
    }

    /// <summary>An MLP as <see cref="Mlp(int, int, int, string, int, string, string)"/> with any activation layer (e.g. a learnable <see cref="PRelu"/>) after each hidden layer.</summary>
    /// <param name="inputs">Input features.</param>
    /// <param name="hiddenLayers">Hidden layers (≥ 0).</param>
    /// <param name="width">Units per hidden layer.</param>
    /// <param name="activation">The activation layer after each hidden layer.</param>
    /// <param name="classes">Output units.</param>
    /// <param name="weightInitializer">Initializer spec of every weight.</param>
    /// <param name="biasInitializer">Initializer spec of every bias.</param>
    public static ModelSpec Mlp(int inputs, int hiddenLayers, int width, LayerSpec activation, int classes, string weightInitializer, string biasInitializer = "zeros")
    {
        ArgumentNullException.ThrowIfNull(activation);
        return MlpOf(inputs, hiddenLayers, width, activation, activation.Type, classes, weightInitializer, biasInitializer);
    }

    private static ModelSpec MlpOf(int inputs, int hiddenLayers, int width, LayerSpec activation, string label, int classes, string weightInitializer, string biasInitializer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hiddenLayers);
        var layers = new List<LayerSpec>(2 * hiddenLayers + 2);
        for (int i = 0; i < hiddenLayers; i++)
        {
            layers.Add(new Dense(width));
            layers.Add(activation);
        }
        layers.Add(new Dense(classes));
        layers.Add(new Softmax());
        return new ModelSpec($"mlp {inputs}-{width}x{hiddenLayers}-{classes} {label}", FeatureShape.Features(inputs), layers)
        {
            WeightInitializer = weightInitializer,
            BiasInitializer = biasInitializer,
        };
    }
}
