using WeightInit.Random;
using WeightInit.Sampling;

namespace WeightInit.Analysis.Measurement;

/// <summary>The one home of <c>analyze</c>'s keyed Gaussian values: the N(0, 1) inputs fed to a model (our own network or an
/// ONNX model run by ONNX Runtime) and the N(0, 1) output gradient sent back through our own network.</summary>
/// <remarks>
/// <para>A model's input is the N(0, 1) stream of <c>root.Fold("analyze/input")</c>, element i of the batch-major buffer
/// (example b, feature f at i = b·features + f) being element i of the stream. A model with several inputs (ONNX graphs can
/// have them) gives input NAME the key <c>root.Fold("analyze/input/NAME")</c>. So a model with one input gets the same values
/// whichever engine runs it: <c>analyze --mlp …</c> and <c>analyze model.onnx</c> on the same network and seed start from the same bits.</para>
/// <para>The values depend on the key and the element index only, never on the thread count.</para>
/// </remarks>
public static class AnalysisInputs
{
    /// <summary>The fold of the input (of a one-input model).</summary>
    public const string InputFold = "analyze/input";

    /// <summary>The fold of the output gradient.</summary>
    public const string OutputGradientFold = "analyze/output-gradient";

    /// <summary>The key of a model input: <c>root.Fold("analyze/input")</c> for the only input (<paramref name="name"/> null), else
    /// <c>root.Fold("analyze/input/NAME")</c>.</summary>
    public static PhiloxKey InputKey(PhiloxKey root, string? name = null) => root.Fold(name is null ? InputFold : InputFold + "/" + name);

    /// <summary><paramref name="count"/> N(0, 1) values of the stream of <paramref name="key"/>, from element 0.</summary>
    public static float[] Gaussian(PhiloxKey key, long count, SamplingOptions? sampling = null)
    {
        var values = new float[count];
        new NormalDistribution(0, 1).Fill(key, values, 0, sampling);
        return values;
    }

    /// <summary>The input of a one-input model: <paramref name="count"/> values under <see cref="InputKey"/>(root).</summary>
    public static float[] Input(PhiloxKey root, long count, SamplingOptions? sampling = null) => Gaussian(InputKey(root), count, sampling);

    /// <summary>The output gradient: <paramref name="count"/> values under <c>root.Fold("analyze/output-gradient")</c>.</summary>
    public static float[] OutputGradient(PhiloxKey root, long count, SamplingOptions? sampling = null) =>
        Gaussian(root.Fold(OutputGradientFold), count, sampling);
}
