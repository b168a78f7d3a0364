using WeightInit.Analysis.Measurement;
using WeightInit.Models;

namespace WeightInit.Analysis.Tests.Measurement;

public class VarianceDiagnosisTests
{
    [Fact]
    public void Run_UnitNormalTenLayerLinearNet_FlagsEveryDenseLayerAsExplodingAndSuggestsLeCun()
    {
        // N(0, 1) weights multiply the variance by n = 64 per layer in both directions, far beyond the factor 10 from layer 1 on.
        var model = ModelSpec.Parse("mlp:64-64x9-64:linear:init=normal(std=1)");
        var d = VarianceDiagnosis.Run(model, new DiagnosisOptions { Batch = 64 });

        var dense = d.Layers.Where(l => l.Type == "dense").ToList();
        Assert.Equal(10, dense.Count);
        Assert.All(dense, l =>
        {
            Assert.Equal(VarianceFlag.Explodes, l.Forward);
            // The gradient at the network's input feeds no weight, so the first layer is not flagged backward.
            Assert.Equal(l.Index == 0 ? VarianceFlag.None : VarianceFlag.Explodes, l.Backward);
            Assert.Equal("lecun_normal", l.FixSpec);
            Assert.Contains("needs 1 for linear", l.Fix);
        });
        // Activation rows are shown but never flagged.
        Assert.All(d.Layers.Where(l => l.Type == "activation"), l => Assert.False(l.Flagged));
        // With LeCun everywhere a linear stack keeps unit variance exactly: n·(1/n)·1 per layer.
        Assert.NotNull(d.FixedTheory);
        Assert.Equal(1.0, d.FixedTheory!.TopLevel.Last().Output.Variance, 12);
        Assert.Equal(1.0, d.FixedTheory.TopLevel.First().InputGradientSecondMoment, 12);
    }

    [Fact]
    public void Run_HeOnRelu_FlagsNothingAndTheFirstLayerMatchesTheory()
    {
        const int width = 128, batch = 256;
        var model = ModelSpec.Parse($"mlp:{width}-{width}x9-{width}:relu:init=he_normal");
        var d = VarianceDiagnosis.Run(model, new DiagnosisOptions { Batch = batch });

        Assert.Empty(d.FlaggedLayers);
        Assert.Null(d.Fixed);
        var first = d.Layers[0];
        Assert.Equal(2.0, first.PredictedVariance, 12); // n·(2/n)·E[x²] with E[x²] = 1
        // Var h over the batch: relative sd about √(2/(width·width)) from the weight norms plus √(2/(batch·width)) from the
        // inputs; five of their sum bounds the error.
        double bound = 5 * (Math.Sqrt(2.0 / (width * width)) + Math.Sqrt(2.0 / (batch * width)));
        Assert.True(first.VarianceRelativeError < bound, $"relative error {first.VarianceRelativeError} above {bound}");
    }

    [Fact]
    public void Run_XavierOnDeepRelu_FlagsVanishingAndSuggestsHe()
    {
        // Xavier's n·Var W = 1 halves E[x²] of ReLU activations per layer (He eq. 8): after 20 layers 2^-20.
        var model = ModelSpec.Parse("mlp:64-64x20-64:relu:init=glorot_normal");
        var d = VarianceDiagnosis.Run(model, new DiagnosisOptions { Batch = 64 });

        var last = d.Layers.Where(l => l.Type == "dense").SkipLast(1).Last();
        Assert.Equal(VarianceFlag.Vanishes, last.Forward);
        Assert.Equal("he_normal", last.FixSpec);
        // The forward flag starts where the cumulative ratio first drops below 1/10: 2^-k < 0.1 for dense layer k ≥ 4 (0-based index 2k).
        Assert.Equal(VarianceFlag.None, d.Layers[0].Forward);
        Assert.Contains(d.Layers.Where(l => l.Type == "dense"), l => l.Forward == VarianceFlag.Vanishes);
    }

    [Fact]
    public void Run_OneBadLayerThenHe_LaterLayersAreFlaggedButTheirFixPointsBack()
    {
        // Only layer0 is wrong (N(0,1), 64× too large); the He layers after it keep whatever scale they get.
        var model = ModelSpec.Parse("mlp:64-64x5-64:relu:init=he_normal") with { Rules = [new InitRule("layer0.weight", "normal(std=1)")] };
        var d = VarianceDiagnosis.Run(model, new DiagnosisOptions { Batch = 64 });

        var layer0 = d.Layers[0];
        Assert.Equal(VarianceFlag.Explodes, layer0.Forward);
        Assert.Equal("he_normal", layer0.FixSpec);
        var layer2 = d.Layers[2];
        Assert.Equal(VarianceFlag.Explodes, layer2.Forward);
        Assert.Null(layer2.FixSpec);
        Assert.Contains("earlier layers", layer2.Fix);
        // The fixed model carries only the one rule that matters.
        Assert.Equal("he_normal", Assert.Single(d.Fixed!.Rules, r => r.Pattern == "layer0.weight" && r.Initializer == "he_normal").Initializer);
    }

    [Fact]
    public void Run_BackwardOnly_SuggestsFanOutWithTheActivationBefore()
    {
        // A 16 → 1024 → 16 tanh net with fan_in LeCun keeps the forward scale, but the gradient going back through the
        // 1024 → 16 layer is multiplied by n_out·Var W = 16/1024 = 1/64.
        var model = ModelSpec.Parse("mlp:16-16-1024-16:tanh:init=lecun_normal");
        var d = VarianceDiagnosis.Run(model, new DiagnosisOptions { Batch = 64 });
        var wide = d.Layers.Single(l => l.Name == "layer4");
        Assert.Equal(VarianceFlag.None, wide.Forward);
        Assert.Equal(VarianceFlag.Vanishes, wide.Backward);
        Assert.StartsWith("variance_scaling(", wide.FixSpec);
        Assert.Contains("mode=fan_out", wide.FixSpec);
        Assert.Contains("tanh before it", wide.Fix);
    }

    [Fact]
    public void Run_StridedConvolution_FanOutFixCarriesStrideSquaredAndTheFirstLayerIsNotFlaggedBackward()
    {
        // He's fan_in init: the stride-2 conv passes back n_out·E[W²]/s² = 72·(2/72)/4 = 1/2 through its weights and ReLU′ halves
        // it again; the 392 → 10 dense layer passes back 10·2/392. Keeping the gradient needs 2/E[relu′²] · s² = 8 in fan_out terms.
        var model = ModelSpec.FromJson("""
            {"input": [3, 16, 16], "weight_init": "he_normal", "layers": [
              {"type": "conv2d", "channels": 8, "kernel": 3, "padding": 1}, {"type": "activation", "activation": "relu"},
              {"type": "conv2d", "channels": 8, "kernel": 3, "stride": 2}, {"type": "flatten"}, {"type": "dense", "units": 10}]}
            """);
        var d = VarianceDiagnosis.Run(model, new DiagnosisOptions { Batch = 16 });
        Assert.Equal(VarianceFlag.None, d.Layers[0].Backward);
        var strided = d.Layers[2];
        Assert.Equal(VarianceFlag.Vanishes, strided.Backward);
        Assert.Equal("variance_scaling(scale=8, mode=fan_out, distribution=normal)", strided.FixSpec);
        Assert.Contains("one variance cannot keep both passes", d.Layers[4].Fix);
    }

    [Fact]
    public void Run_SameSeed_SameNumbersAtAnyThreadCount()
    {
        var model = ModelSpec.Parse("mlp:32-48x3-8:tanh:init=glorot_uniform");
        var a = VarianceDiagnosis.Run(model, new DiagnosisOptions { Batch = 16, Seed = 7, Threads = 1 });
        var b = VarianceDiagnosis.Run(model, new DiagnosisOptions { Batch = 16, Seed = 7, Threads = 2 });
        var c = VarianceDiagnosis.Run(model, new DiagnosisOptions { Batch = 16, Seed = 8, Threads = 1 });
        Assert.Equal(a.Layers.Select(l => (l.MeasuredVariance, l.MeasuredGradient)), b.Layers.Select(l => (l.MeasuredVariance, l.MeasuredGradient)));
        Assert.NotEqual(a.Layers[0].MeasuredVariance, c.Layers[0].MeasuredVariance);
    }

    [Theory]
    [InlineData(1, 10.0)]
    [InlineData(16, 1.0)]
    [InlineData(16, double.NaN)]
    public void Run_BadOptions_Throw(int batch, double factor)
    {
        var model = ModelSpec.Parse("mlp:4-4:linear");
        Assert.Throws<ArgumentOutOfRangeException>(() => VarianceDiagnosis.Run(model, new DiagnosisOptions { Batch = batch, Factor = factor }));
    }

    [Theory]
    [InlineData(5.0, 10.0, VarianceFlag.None)]
    [InlineData(10.5, 10.0, VarianceFlag.Explodes)]
    [InlineData(0.09, 10.0, VarianceFlag.Vanishes)]
    [InlineData(double.PositiveInfinity, 10.0, VarianceFlag.Explodes)]
    [InlineData(double.NaN, 10.0, VarianceFlag.Explodes)]
    public void Classify_UsesTheFactorBothWays(double ratio, double factor, VarianceFlag expected) =>
        Assert.Equal(expected, VarianceDiagnosis.Classify(ratio, factor));
}
