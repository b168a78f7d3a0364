using WeightInit.Models;
using WeightInit.Random;
using WeightInit.Sampling;

namespace WeightInit.Models.Tests;

/// <summary>Back-propagation against central finite differences of the loss L = Σ out·r (r fixed), for every layer kind and activation.</summary>
public class GradientCheckTests
{
    private static readonly PhiloxKey Key = PhiloxKey.FromSeed(2024).Fold("gradcheck");

    private static double Loss(Network net, float[] input, int batch, float[] r)
    {
        var y = net.Forward(input, batch);
        double s = 0;
        for (int i = 0; i < y.Length; i++) s += (double)y[i] * r[i];
        return s;
    }

    private static void Check(ModelSpec model, int batch)
    {
        var net = Network.Build(model, Key, threads: 1);
        var input = new float[batch * net.InputSize];
        new NormalDistribution(0, 1).Fill(Key.Fold("x"), input);
        var r = new float[batch * net.OutputSize];
        new NormalDistribution(0, 1).Fill(Key.Fold("r"), r);
        net.Forward(input, batch);
        var dx = net.Backward(r);
        const float eps = 1e-2f;
        void Compare(string what, float[] values, int i, double analytic)
        {
            float old = values[i];
            values[i] = old + eps; double up = Loss(net, input, batch, r);
            values[i] = old - eps; double down = Loss(net, input, batch, r);
            values[i] = old;
            double numeric = (up - down) / (2 * eps);
            Assert.True(Math.Abs(numeric - analytic) <= 2e-2 * Math.Max(Math.Abs(numeric), 0.05),
                $"{model.Name}: ∂L/∂{what}[{i}] analytic {analytic:G6}, numeric {numeric:G6}");
        }
        foreach (var p in net.Parameters)
        {
            var grad = (float[])p.Gradient.Clone();
            for (int i = 0; i < p.Value.Length; i += Math.Max(1, p.Value.Length / 7)) Compare(p.Name, p.Value, i, grad[i]);
        }
        for (int i = 0; i < input.Length; i += Math.Max(1, input.Length / 9)) Compare("input", input, i, dx[i]);
    }

    [Theory]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    [InlineData("softsign")]
    [InlineData("elu")]
    [InlineData("selu")]
    [InlineData("gelu")]
    [InlineData("gelu_tanh")]
    [InlineData("silu")]
    [InlineData("mish")]
    [InlineData("softplus")]
    [InlineData("lecun_tanh")]
    [InlineData("leaky_relu:0.2")]
    [InlineData("relu")]
    [InlineData("prelu:0.3")]
    [InlineData("hardtanh")]
    [InlineData("linear")]
    public void Mlp_EveryActivation_MatchesFiniteDifferences(string activation)
    {
        var model = ModelSpec.Parse($"mlp:7-6x2-4:{activation}") with { WeightInitializer = "glorot_normal", BiasInitializer = "normal(std=0.1)" };
        Check(model, batch: 3);
    }

    [Fact]
    public void Conv_StridePaddingGroups_MatchesFiniteDifferences()
    {
        var model = new ModelSpec("conv", FeatureShape.Image(2, 6, 5),
            [new Conv2d(4, 3, Stride: 2, Padding: 1, Groups: 2), new ActivationLayer("tanh"), new Conv2d(3, 2), new Flatten(), new Dense(3)])
        {
            WeightInitializer = "he_normal",
            BiasInitializer = "normal(std=0.1)",
        };
        Check(model, batch: 2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LearnablePRelu_DenseAndConv_MatchesFiniteDifferences(bool channelWise)
    {
        var dense = new ModelSpec("prelu-dense", FeatureShape.Features(5), [new Dense(6), new PRelu(0.3, channelWise), new Dense(3)])
        {
            WeightInitializer = "glorot_normal",
            BiasInitializer = "normal(std=0.1)",
        };
        Check(dense, batch: 3);
        var conv = new ModelSpec("prelu-conv", FeatureShape.Image(2, 4, 4), [new Conv2d(3, 3), new PRelu(0.2, channelWise), new Flatten(), new Dense(2)])
        {
            WeightInitializer = "he_normal",
            BiasInitializer = "normal(std=0.1)",
        };
        Check(conv, batch: 2);
    }

    [Fact]
    public void LearnablePRelu_SlopeTensor_StartsAtInitialSlopeUnlessARuleSaysOtherwise()
    {
        var model = new ModelSpec("p", FeatureShape.Image(3, 2, 2), [new PRelu(0.25, ChannelWise: true), new Flatten(), new Dense(2)]);
        var net = Network.Build(model, Key, 1);
        var slope = net.Parameters.Single(p => p.Name == "layer0.slope");
        Assert.Equal(ParameterRole.Slope, slope.Tensor.Role);
        Assert.Equal([0.25f, 0.25f, 0.25f], slope.Value);
        var ruled = Network.Build(model with { Rules = [new InitRule("*.slope", "constant(value=0.5)")] }, Key, 1);
        Assert.Equal([0.5f, 0.5f, 0.5f], ruled.Parameters.Single(p => p.Name == "layer0.slope").Value);
        // Forward: channel c of a 2×2 image uses slope c.
        var y = net.Layers[0];
        var output = new float[12];
        y.Forward([1, -2, 0, -4, 1, 1, 1, 1, -1, -1, -1, -1], output, 1);
        Assert.Equal([1f, -0.5f, 0f, -1f, 1, 1, 1, 1, -0.25f, -0.25f, -0.25f, -0.25f], output);
    }

    [Fact]
    public void Residual_ScaledBranch_MatchesFiniteDifferences()
    {
        var model = new ModelSpec("res", FeatureShape.Features(5),
            [new Dense(6), new Residual([new ActivationLayer("tanh"), new Dense(6)], 0.5), new ActivationLayer("silu"), new Dense(2)])
        {
            WeightInitializer = "glorot_uniform",
            BiasInitializer = "normal(std=0.1)",
        };
        Check(model, batch: 4);
    }

    [Fact]
    public void SoftmaxCrossEntropy_GradientMatchesFiniteDifferences()
    {
        var logits = new float[] { 0.3f, -1.2f, 2.0f, 0.5f, 0.1f, -0.7f };
        var labels = new[] { 2, 0 };
        var (loss, grad) = Network.SoftmaxCrossEntropy(logits, labels, 2);
        // Hand value: mean over the two rows of log Σ e^z − z_label.
        double l0 = Math.Log(Math.Exp(0.3) + Math.Exp(-1.2) + Math.Exp(2.0)) - 2.0;
        double l1 = Math.Log(Math.Exp(0.5) + Math.Exp(0.1) + Math.Exp(-0.7)) - 0.5;
        Assert.Equal((l0 + l1) / 2, loss, 1e-6);
        for (int i = 0; i < logits.Length; i++)
        {
            var up = (float[])logits.Clone(); up[i] += 1e-3f;
            var down = (float[])logits.Clone(); down[i] -= 1e-3f;
            double numeric = (Network.SoftmaxCrossEntropy(up, labels, 2).Loss
                              - Network.SoftmaxCrossEntropy(down, labels, 2).Loss) / 2e-3;
            Assert.Equal(numeric, grad[i], 1e-3);
        }
    }

    [Fact]
    public void ForwardBackward_AnyThreadCount_SameBits()
    {
        var model = ModelSpec.Parse("mlp:64-96x3-10:tanh");
        float[] Run(int threads)
        {
            var net = Network.Build(model, Key, threads);
            var x = new float[32 * 64];
            new NormalDistribution(0, 1).Fill(Key.Fold("x"), x);
            var y = net.Forward(x, 32);
            var dx = net.Backward(y);
            return [.. y, .. dx, .. net.Parameters[0].Gradient];
        }
        Assert.Equal(Run(1), Run(2));
    }
}
