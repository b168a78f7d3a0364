using WeightInit.Models;
using WeightInit.Random;
using WeightInit.Training.Optimization;

namespace WeightInit.Training.Tests.Optimization;

public class SgdTests
{
    private static Network TinyNetwork(int inputs = 3, int width = 4, int classes = 2) =>
        Network.Build(TrainingModels.Mlp(inputs, 1, width, "tanh", classes, "glorot_uniform", "uniform(low=-0.1, high=0.1)"), PhiloxKey.FromSeed(5), threads: 1);

    /// <summary>Tensors shorter than a vector (3-4-2), and long ones with a tail (37-29-5: 1073, 29, 145 and 5 elements), so that both
    /// the vector loop and the scalar tail must give the recurrence's float bits.</summary>
    [Theory]
    [InlineData(3, 4, 2)]
    [InlineData(37, 29, 5)]
    public void Step_Momentum_MatchesTheRecurrenceWrittenOut(int inputs, int width, int classes)
    {
        var net = TinyNetwork(inputs, width, classes);
        var options = new SgdOptions(0.1, Momentum: 0.9, WeightDecay: 0.01, Schedule: new StepSchedule(1, 0.5));
        var sgd = new Sgd(net.Parameters, options);
        var start = net.Parameters.Select(p => (float[])p.Value.Clone()).ToArray();
        var g1 = net.Parameters.Select((p, k) => p.Value.Select((_, i) => 0.01f * (i + 1) * (k + 1)).ToArray()).ToArray();
        var g2 = net.Parameters.Select((p, k) => p.Value.Select((_, i) => -0.02f * (i % 3) + 0.005f * k).ToArray()).ToArray();
        for (int k = 0; k < g1.Length; k++) g1[k].CopyTo(net.Parameters[k].Gradient, 0);
        sgd.Step();
        for (int k = 0; k < g2.Length; k++) g2[k].CopyTo(net.Parameters[k].Gradient, 0);
        sgd.Step();
        for (int k = 0; k < start.Length; k++)
        {
            float decay = net.Parameters[k].Tensor.Role == ParameterRole.Weight ? 0.01f : 0f;
            for (int i = 0; i < start[k].Length; i++)
            {
                // Written out in float with the same operation order: v1 = g1 + λw0, w1 = w0 − 0.1·v1; v2 = 0.9·v1 + g2 + λw1, w2 = w1 − 0.05·v2.
                float w0 = start[k][i];
                float v1 = 0.9f * 0f + (g1[k][i] + decay * w0);
                float w1 = w0 - 0.1f * v1;
                float v2 = 0.9f * v1 + (g2[k][i] + decay * w1);
                float w2 = w1 - 0.05f * v2;
                Assert.Equal(w2, net.Parameters[k].Value[i]);
            }
        }
        Assert.Equal(2, sgd.Updates);
        Assert.Equal(0.025, sgd.CurrentLearningRate);
    }

    [Theory]
    [InlineData(3, 4, 2)]
    [InlineData(37, 29, 5)]
    public void Step_NoMomentum_IsPlainGradientDescentAndBiasesGetNoDecay(int inputs, int width, int classes)
    {
        var net = TinyNetwork(inputs, width, classes);
        var sgd = new Sgd(net.Parameters, new SgdOptions(0.5, WeightDecay: 0.1));
        var start = net.Parameters.Select(p => (float[])p.Value.Clone()).ToArray();
        var g = net.Parameters.Select((p, k) => p.Value.Select((_, i) => 0.25f - 0.003f * (i % 7) + 0.01f * k).ToArray()).ToArray();
        for (int k = 0; k < g.Length; k++) g[k].CopyTo(net.Parameters[k].Gradient, 0);
        sgd.Step();
        for (int k = 0; k < start.Length; k++)
        {
            bool weight = net.Parameters[k].Tensor.Role == ParameterRole.Weight;
            for (int i = 0; i < start[k].Length; i++)
            {
                float w0 = start[k][i];
                Assert.Equal(weight ? w0 - 0.5f * (g[k][i] + 0.1f * w0) : w0 - 0.5f * (g[k][i] + 0f * w0), net.Parameters[k].Value[i]);
            }
        }
        var bias = net.Parameters.First(p => p.Tensor.Role == ParameterRole.Bias);
        Assert.Equal(start[net.Parameters.ToList().IndexOf(bias)][0] - 0.5f * g[net.Parameters.ToList().IndexOf(bias)][0], bias.Value[0]); // no decay on biases
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0.1, 1, 0)]
    [InlineData(0.1, 0, -1)]
    [InlineData(double.NaN, 0, 0)]
    public void Options_OutOfRange_Throw(double lr, double momentum, double decay) =>
        Assert.Throws<ArgumentException>(() => new Sgd(TinyNetwork().Parameters, new SgdOptions(lr, momentum, decay)));
}
