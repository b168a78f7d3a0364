using WeightInit.Models;
using WeightInit.Random;
using WeightInit.Training.Optimization;

namespace WeightInit.Training.Tests.Optimization;

public class SgdTests
{
    private static Network TinyNetwork() =>
        Network.Build(TrainingModels.Mlp(3, 1, 4, "tanh", 2, "glorot_uniform", "uniform(low=-0.1, high=0.1)"), PhiloxKey.FromSeed(5), threads: 1);

    [Fact]
    public void Step_Momentum_MatchesTheRecurrenceWrittenOut()
    {
        var net = TinyNetwork();
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

    [Fact]
    public void Step_NoMomentum_IsPlainGradientDescentAndBiasesGetNoDecay()
    {
        var net = TinyNetwork();
        var sgd = new Sgd(net.Parameters, new SgdOptions(0.5, WeightDecay: 0.1));
        var bias = net.Parameters.First(p => p.Tensor.Role == ParameterRole.Bias);
        var weight = net.Parameters.First(p => p.Tensor.Role == ParameterRole.Weight);
        float b0 = bias.Value[0], w0 = weight.Value[0];
        foreach (var p in net.Parameters) Array.Fill(p.Gradient, 0.25f);
        sgd.Step();
        Assert.Equal(b0 - 0.5f * 0.25f, bias.Value[0]);
        Assert.Equal(w0 - 0.5f * (0.25f + 0.1f * w0), weight.Value[0]);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0.1, 1, 0)]
    [InlineData(0.1, 0, -1)]
    [InlineData(double.NaN, 0, 0)]
    public void Options_OutOfRange_Throw(double lr, double momentum, double decay) =>
        Assert.Throws<ArgumentException>(() => new Sgd(TinyNetwork().Parameters, new SgdOptions(lr, momentum, decay)));
}
