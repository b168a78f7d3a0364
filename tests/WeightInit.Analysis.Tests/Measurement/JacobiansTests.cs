using WeightInit.Analysis.Measurement;
using WeightInit.Models;
using WeightInit.Random;

namespace WeightInit.Analysis.Tests.Measurement;

public class JacobiansTests
{
    private static float[] Example(int n, ulong seed)
    {
        var x = new float[n];
        new WeightInit.Sampling.NormalDistribution(0, 1).Fill(PhiloxKey.FromSeed(seed), x);
        return x;
    }

    [Fact]
    public void EndToEnd_OrthogonalLinearNet_AllSingularValuesAreOne()
    {
        // A product of orthogonal matrices is orthogonal: every singular value is 1 (up to float32 rounding of the weights).
        var model = ModelSpec.Parse("mlp:48-48x4-48:linear:init=orthogonal");
        var net = Network.Build(model, PhiloxKey.FromSeed(1));
        var blocks = Jacobians.LayerToLayer(net, Example(48, 2));
        Assert.Equal(5, blocks.Count);
        var sigma = Jacobians.EndToEnd(blocks).SingularValues();
        Assert.Equal(48, sigma.Length);
        Assert.All(sigma, s => Assert.Equal(1.0, s, 5));
    }

    [Fact]
    public void EndToEnd_TanhNet_MatchesCentralDifferencesOfTheForwardPass()
    {
        var model = ModelSpec.Parse("mlp:12-20x2-7:tanh:init=glorot_uniform:bias_init=normal(std=0.1)");
        var net = Network.Build(model, PhiloxKey.FromSeed(3));
        var x = Example(12, 4);
        var j = Jacobians.EndToEnd(Jacobians.LayerToLayer(net, x));
        Assert.Equal((7, 12), (j.Rows, j.Columns));
        const float h = 1e-2f;
        for (int c = 0; c < 12; c++)
        {
            var plus = (float[])x.Clone();
            var minus = (float[])x.Clone();
            plus[c] += h;
            minus[c] -= h;
            var yp = (float[])net.Forward(plus, 1).Clone();
            var ym = net.Forward(minus, 1);
            for (int r = 0; r < 7; r++)
            {
                double fd = (yp[r] - (double)ym[r]) / (2 * h);
                // Central differences: O(h²) truncation plus float32 rounding ≈ 1e-7/h; 2e-3 bounds both here.
                Assert.True(Math.Abs(fd - j.Matrix[r * 12 + c]) <= 2e-3, $"J[{r},{c}] = {j.Matrix[r * 12 + c]}, finite difference {fd}");
            }
        }
    }

    [Fact]
    public void MeanSquaredSingularValue_IsTheFrobeniusNormOverColumnsAndTheMeanOfSigmaSquared()
    {
        var model = ModelSpec.Parse("mlp:30-40-10:tanh:init=glorot_normal");
        var net = Network.Build(model, PhiloxKey.FromSeed(5));
        foreach (var block in Jacobians.LayerToLayer(net, Example(30, 6)))
        {
            var sigma = block.SingularValues();
            // Σσ² = ‖J‖²_F; the zero singular values beyond min(rows, columns) do not appear.
            Assert.Equal(block.MeanSquaredSingularValue(), sigma.Sum(s => s * s) / block.Columns, 10);
        }
    }

    [Fact]
    public void LayerToLayer_Convolution_IsNotSupported()
    {
        var model = ModelSpec.FromJson("{\"input\":[1,4,4],\"layers\":[{\"type\":\"conv2d\",\"channels\":2,\"kernel\":3}]}");
        var net = Network.Build(model, PhiloxKey.FromSeed(0));
        Assert.Throws<NotSupportedException>(() => Jacobians.LayerToLayer(net, new float[16]));
    }
}
