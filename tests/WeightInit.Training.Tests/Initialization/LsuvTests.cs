using WeightInit.Models;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Training.Initialization;

namespace WeightInit.Training.Tests.Initialization;

public class LsuvTests
{
    private static double Variance(float[] values)
    {
        double mean = values.Average(v => (double)v);
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
    }

    [Fact]
    public void Apply_OrthogonalReluNet_EveryDenseOutputHasUnitVariance()
    {
        var key = PhiloxKey.FromSeed(21);
        var net = Network.Build(TrainingModels.Mlp(32, 8, 48, "relu", 5, "orthogonal"), key, threads: 1);
        var x = new float[256 * 32];
        new UniformDistribution(0, 1).Fill(key.Fold("batch"), x);
        net.Forward(x, 256);
        // Orthogonal (gain 1) weights halve the second moment at each ReLU: the 7th hidden layer's output is far below 1.
        Assert.True(Variance(net.Activations[12]) < 0.2, $"before LSUV: {Variance(net.Activations[12])}");

        var reports = Lsuv.Apply(net, x, 256);

        Assert.Equal(9, reports.Count);
        net.Forward(x, 256);
        for (int i = 0; i < net.Layers.Count; i++)
        {
            if (net.Layers[i] is not DenseLayer) continue;
            double v = Variance(net.Activations[i]);
            Assert.True(Math.Abs(v - 1) < 0.02, $"{net.Layers[i].Name}: variance {v} after LSUV");
        }
        Assert.All(reports, r => Assert.InRange(r.Iterations, 1, 20));
    }

    [Fact]
    public void Apply_DeadLayer_ThrowsNamingIt()
    {
        var net = Network.Build(TrainingModels.Mlp(4, 1, 3, "relu", 2, "zeros"), PhiloxKey.FromSeed(1), 1);
        var e = Assert.Throws<ArgumentException>(() => Lsuv.Apply(net, new float[8], 2));
        Assert.Contains("layer0", e.Message, StringComparison.Ordinal);
    }
}
