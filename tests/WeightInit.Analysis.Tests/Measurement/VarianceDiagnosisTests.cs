using WeightInit.Analysis.Measurement;
using WeightInit.Models;

namespace WeightInit.Analysis.Tests.Measurement;

public class VarianceDiagnosisTests
{
    /// <summary>Every quantity of a re-run lies within the factor, checked from the re-run's own numbers (not its flags): the
    /// measured and predicted variance of each layer's output over the input variance, and the input-gradient second moment
    /// divided by the product of fan_out/fan_in from the layer to the output.</summary>
    private static void AssertWithinFactor(FixAttempt attempt, double factor)
    {
        Assert.True(attempt.Accepted);
        var layers = attempt.Layers;
        double inputVariance = layers[0].Measured.Gains.InputVariance;
        foreach (var l in layers)
        {
            double forward = l.MeasuredVariance / inputVariance, forwardTheory = l.PredictedVariance; // theory input variance is 1
            Assert.InRange(forward, 1 / factor, factor);
            Assert.InRange(forwardTheory, 1 / factor, factor);
            if (l.Index == 0) continue;
            double shape = layers.Skip(l.Index).Aggregate(1.0, (p, r) => p * r.Measured.Gains.ShapeBackwardGain);
            double outputGradient = layers[^1].MeasuredGradient / layers[^1].Measured.Gains.BackwardGain; // E[g²] seeded at the output
            Assert.InRange(l.MeasuredGradient / outputGradient / shape, 1 / factor, factor);
            Assert.InRange(l.PredictedGradient / shape, 1 / factor, factor); // the theory seeds E[g²] = 1 at the output
        }
    }

    /// <summary>A fix was tried, its re-run flagged something, and none is suggested.</summary>
    private static FixAttempt AssertRejected(Diagnosis d)
    {
        var attempt = Assert.IsType<FixAttempt>(d.Attempt);
        Assert.False(attempt.Accepted);
        Assert.Null(d.Fix);
        return attempt;
    }

    [Theory]
    [InlineData("mlp:784-1000x5-10:relu:init=he_normal")]
    [InlineData("mlp:784-1000x5-10:selu:init=lecun_normal")]
    [InlineData("mlp:784-1000x5-10:tanh:init=glorot_normal")]
    [InlineData("mlp:784-1000x5-10:tanh:init=orthogonal")]
    [InlineData("mlp:512-1024x8-10:gelu:init=he_normal")]
    public void Run_HealthyNetWithClassifierHead_FlagsNothingAndNotesTheHead(string spec)
    {
        var d = VarianceDiagnosis.Run(ModelSpec.Parse(spec), new DiagnosisOptions { Batch = 32 });

        Assert.Empty(d.FlaggedLayers);
        Assert.All(d.Layers, l => Assert.False(l.Theory.Flagged));
        Assert.Null(d.Attempt);
        Assert.Null(d.Advice);
        // The head 1000 → 10 shrinks the gradient ×~0.01: its shape, said in a note instead of a flag.
        var head = d.Layers[^1];
        Assert.Equal("dense", head.Type);
        Assert.True(head.Measured.Gains.BackwardGain < 0.1, $"head backward gain {head.Measured.Gains.BackwardGain}");
        Assert.Contains("what its shape implies", Assert.Single(d.Notes));
    }

    [Theory]
    [InlineData("mlp:100000-100000:relu", 256, "layer0.weight [100000, 100000] has 10000000000 elements")]
    [InlineData("mlp:4-4:relu", 2_000_000_000, "at most 536870897")]
    [InlineData("mlp:30000-30000x200-10:relu", 2, "GiB of memory available")]
    public void Run_ModelOrBatchThatCannotFit_RefusedBeforeAnyAllocation(string spec, int batch, string named)
    {
        // 10¹⁰ weights or 8·10⁹ inputs are past Array.MaxLength = 2147483591; 200 layers of 30000² float32 weights and
        // their gradients need 1.4 TiB.
        var e = Assert.Throws<ArgumentException>(() => VarianceDiagnosis.Run(ModelSpec.Parse(spec), new DiagnosisOptions { Batch = batch }));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_LayersAreTheUsersLayers_ActivationsBelongToTheirLayer()
    {
        var d = VarianceDiagnosis.Run(ModelSpec.Parse("mlp:16-32x2-4:relu:init=he_normal"), new DiagnosisOptions { Batch = 8 });

        Assert.Equal([0, 1, 2], d.Layers.Select(l => l.Index));
        Assert.Equal(["dense+relu", "dense+relu", "dense"], d.Layers.Select(l => l.Type));
        Assert.Equal(["layer0", "layer2", "layer4"], d.Layers.Select(l => l.Name)); // the tensor names rules use
        Assert.Equal(["layer0", "layer1"], d.Layers[0].Members);
    }

    [Fact]
    public void Run_UnitNormalLinearNet_FlagsEveryLayerAndTheReRunLeCunFixIsWithinTheFactor()
    {
        // N(0, 1) weights multiply the variance by n = 64 per layer in both directions.
        var d = VarianceDiagnosis.Run(ModelSpec.Parse("mlp:64-64x9-64:linear:init=normal(std=1)"), new DiagnosisOptions { Batch = 64 });

        Assert.Equal(10, d.Layers.Count);
        Assert.All(d.Layers, l =>
        {
            Assert.Equal(VarianceFlag.Explodes, l.Measured.Forward);
            Assert.Equal(l.Index == 0 ? VarianceFlag.None : VarianceFlag.Explodes, l.Measured.Backward);
            Assert.Equal("lecun_normal", l.FixSpec);
        });
        var fix = Assert.IsType<FixAttempt>(d.Fix);
        Assert.Null(d.Advice);
        AssertWithinFactor(fix, d.Options.Factor);
        // LeCun on a linear stack keeps unit variance exactly in the theory: n·(1/n)·1 per layer.
        Assert.Equal(1.0, fix.Layers[^1].PredictedVariance, 12);
        Assert.Equal(1.0, fix.Layers[0].PredictedGradient, 12);
    }

    [Fact]
    public void Run_XavierOnDepth30Relu_VanishesForwardAndTheReRunHeFixIsWithinTheFactor()
    {
        // Xavier's n·Var W = 1 halves E[x²] of ReLU activations per layer (He eq. 8): 2^-29 after 30 layers, no layer beyond ×10
        // by itself. Width 256: the re-run's log-variance spreads by about √(5·30/256) ≈ 0.77 (Hanin & Rolnick 2018), 3σ inside
        // ln 10; at width 64 (√(5·30/64) ≈ 1.5) the He draw itself wanders past ×10, which Run_NarrowDeepHe_… covers.
        var d = VarianceDiagnosis.Run(ModelSpec.Parse("mlp:256-256x30-10:relu:init=glorot_normal"), new DiagnosisOptions { Batch = 64 });

        Assert.All(d.Layers, l => Assert.Equal(VarianceFlag.None, l.Measured.Forward));
        Assert.Equal(VarianceFlag.Vanishes, d.Layers[^2].Measured.ForwardTrend);
        Assert.Equal(VarianceFlag.None, d.Layers[0].Measured.ForwardTrend);
        var fix = Assert.IsType<FixAttempt>(d.Fix);
        Assert.All(d.Layers.SkipLast(1), l => Assert.Equal("he_normal", l.FixSpec));
        Assert.Equal("lecun_normal", d.Layers[^1].FixSpec); // linear head
        AssertWithinFactor(fix, d.Options.Factor);
    }

    [Fact]
    public void Run_ReadmeTanhExample_FixReRunIsWithinTheFactorBothWays()
    {
        // U[±1/√n] (glorot_standard) has n·Var W = 1/3: the tanh signal shrinks about ×3 per layer.
        var d = VarianceDiagnosis.Run(ModelSpec.Parse("mlp:784-1000x5-10:tanh:init=glorot_standard"), new DiagnosisOptions { Batch = 32 });

        Assert.NotEmpty(d.FlaggedLayers);
        var fix = Assert.IsType<FixAttempt>(d.Fix);
        AssertWithinFactor(fix, d.Options.Factor);
    }

    [Fact]
    public void Run_OneBadLayerThenHe_OnlyThatLayerIsChanged()
    {
        var model = ModelSpec.Parse("mlp:64-64x5-64:relu:init=he_normal") with { Rules = [new InitRule("layer0.weight", "normal(std=1)")] };
        var d = VarianceDiagnosis.Run(model, new DiagnosisOptions { Batch = 64 });

        Assert.Equal(VarianceFlag.Explodes, d.Layers[0].Measured.Forward);
        Assert.Equal("he_normal", d.Layers[0].FixSpec);
        // The trend starts at the first layer's output, so the He layers after it are not blamed for its scale; the He head
        // (n_in·E[W²] = 2 where a linear output keeps the scale at 1) is off its preserving scale but not flagged, so the
        // smallest candidate, layer0 alone, is tried first and suffices.
        Assert.All(d.Layers.Skip(1), l => Assert.False(l.Flagged));
        Assert.All(d.Layers.Skip(1), l => Assert.Null(l.FixSpec));
        Assert.All(d.Layers.Skip(1), l => Assert.Null(l.Fix));
        var fix = Assert.IsType<FixAttempt>(d.Fix);
        Assert.Equal(new InitRule("layer0.weight", "he_normal"), Assert.Single(fix.Rules));
        AssertWithinFactor(fix, d.Options.Factor);
    }

    [Fact]
    public void Run_NarrowDeepHe_TheoryIsCleanButTheDrawDrifts_NoFixIsClaimed()
    {
        // Width 64, 30 ReLU layers, He: the theory keeps every gain at 1, but this draw's log-variance wanders (sd ≈ 1.5 over
        // the depth) past ×10; the advice says that the change is right on average and this draw is not called fixed.
        var d = VarianceDiagnosis.Run(ModelSpec.Parse("mlp:64-64x30-10:relu:init=glorot_normal"), new DiagnosisOptions { Batch = 64 });

        var attempt = AssertRejected(d);
        Assert.All(attempt.Layers, l => Assert.False(l.Theory.Flagged));
        Assert.Contains(attempt.Layers, l => l.Flagged);
        Assert.Contains("the re-run's theory flags nothing, but its Monte Carlo still flags", d.Advice);
        Assert.Contains("wider layers", d.Advice);
    }

    [Fact]
    public void Run_SigmoidStack_TriedFixIsRejectedAndTheAdviceSaysSo()
    {
        // E[σ′(z)²] ≈ 0.045: the sigmoid gradient vanishes whatever one weight variance does to the forward pass.
        var d = VarianceDiagnosis.Run(ModelSpec.Parse("mlp:64-64x6-10:sigmoid:init=glorot_normal"), new DiagnosisOptions { Batch = 64 });

        Assert.NotEmpty(d.FlaggedLayers);
        var attempt = AssertRejected(d);
        Assert.Contains(attempt.Layers, l => l.Flagged || l.Theory.Flagged);
        Assert.StartsWith("Tried layer0.weight=", d.Advice);
        Assert.Contains("No single-initializer fix exists", d.Advice);
        Assert.Contains("normalization", d.Advice);
    }

    [Fact]
    public void Run_DeepPlainResidual_NoInitializerToTryAndTheAdviceNamesTheDepthScaledBranch()
    {
        // x ← x + W₂ relu(W₁x), both He: E[x²] grows ×3 per block.
        var d = VarianceDiagnosis.Run(ModelSpec.Parse("resmlp:32x12:relu:init=he_normal"), new DiagnosisOptions { Batch = 32 });

        Assert.NotEmpty(d.FlaggedLayers);
        Assert.Null(d.Attempt);
        Assert.Contains("No single-initializer fix exists", d.Advice);
        Assert.Contains("1/√L", d.Advice);
    }

    [Fact]
    public void Run_StridedConvolution_ShapeImpliedBackwardIsANote()
    {
        // He's fan_in init: the stride-2 conv passes back n_out·E[W²]/s² = 72·(2/72)/4 = 1/2 and the 392 → 10 head 10·2/392;
        // both are their shapes (fan_out/s² over fan_in), so nothing is flagged.
        var model = ModelSpec.FromJson("""
            {"input": [3, 16, 16], "weight_init": "he_normal", "layers": [
              {"type": "conv2d", "channels": 8, "kernel": 3, "padding": 1}, {"type": "activation", "activation": "relu"},
              {"type": "conv2d", "channels": 8, "kernel": 3, "stride": 2}, {"type": "flatten"}, {"type": "dense", "units": 10}]}
            """);
        var d = VarianceDiagnosis.Run(model, new DiagnosisOptions { Batch = 16 });

        Assert.Equal(["conv2d+relu", "conv2d+flatten", "dense"], d.Layers.Select(l => l.Type));
        Assert.Empty(d.FlaggedLayers);
        Assert.Equal(2, d.Notes.Count());
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

    [Fact]
    public void Run_HeOnRelu_FirstLayerMatchesTheoryWithinTheSamplingBound()
    {
        const int width = 128, batch = 256;
        var d = VarianceDiagnosis.Run(ModelSpec.Parse($"mlp:{width}-{width}x9-{width}:relu:init=he_normal"), new DiagnosisOptions { Batch = batch });

        Assert.Empty(d.FlaggedLayers);
        // Var relu(h), h ~ N(0, 2): 2·(1/2 − 1/(2π)) = 1 − 1/π.
        Assert.Equal(1 - 1 / Math.PI, d.Layers[0].PredictedVariance, 12);
        // Relative sd about √(2/(width·width)) from the weight norms plus √(2/(batch·width)) from the inputs (×2 for the
        // relu's heavier tail); five of their sum bounds the error.
        double bound = 5 * 2 * (Math.Sqrt(2.0 / (width * width)) + Math.Sqrt(2.0 / (batch * width)));
        Assert.True(d.Layers[0].VarianceRelativeError < bound, $"relative error {d.Layers[0].VarianceRelativeError} above {bound}");
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
}
