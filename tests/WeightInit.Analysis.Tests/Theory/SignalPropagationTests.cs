using WeightInit.Models;
using WeightInit.Analysis.Theory;

namespace WeightInit.Analysis.Tests.Theory;

public class SignalPropagationTests
{
    private static void Close(double expected, double actual, double relative = 1e-13) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Analyze_LinearNet_VarianceMultipliesByNTimesVarW()
    {
        // Glorot eq. 5: Var[z^i] = Var[x] ∏ n_i' Var[W^i'] with linear activations.
        var model = ModelSpec.Parse("mlp:100-200-300-50:linear:init=normal(std=0.1)");
        var r = SignalPropagation.Analyze(model, new PropagationOptions { InputVariance = 3 });
        int[] fanIns = [100, 200, 300];
        double expected = 3;
        var dense = r.Layers.Where(l => l.Type == "dense").ToList();
        for (int i = 0; i < 3; i++)
        {
            expected *= fanIns[i] * 0.01;
            Close(expected, dense[i].Output.Variance);
            Assert.Equal(0, dense[i].Output.Mean);
        }
    }

    [Fact]
    public void Analyze_GlorotStandardLinear_ForwardAndBackwardShrinkByThirdWeightGradientsConstant()
    {
        // Glorot eqs. 13–15: standard init gives n·Var[W] = 1/3; with equal widths the forward variance shrinks by 1/3 per layer,
        // the back-propagated gradient by 1/3 per layer going down, and the weight-gradient variance is the same in every layer.
        var model = ModelSpec.Parse("mlp:500-500x4-500:linear:init=glorot_standard");
        var dense = SignalPropagation.Analyze(model).Layers.Where(l => l.Type == "dense").ToList();
        for (int i = 1; i < dense.Count; i++)
        {
            Close(1.0 / 3, dense[i].Output.Variance / dense[i - 1].Output.Variance, 1e-12);
            Close(1.0 / 3, dense[i - 1].OutputGradientSecondMoment / dense[i].OutputGradientSecondMoment, 1e-12);
            Close(dense[0].WeightGradientSecondMoment!.Value, dense[i].WeightGradientSecondMoment!.Value, 1e-12);
        }
        Close(Math.Pow(1.0 / 3, 4), dense[0].OutputGradientSecondMoment, 1e-12);
    }

    [Fact]
    public void Analyze_ReluHeNormal_PreActivationVarianceStaysTwo()
    {
        // He eq. 10: ½·n·Var[w] = 1, so Var[y_l] = Var[y_1] = n·(2/n)·E[x²] = 2 for unit-variance input.
        var model = ModelSpec.Parse("mlp:300-300x10-300:relu:init=he_normal");
        foreach (var l in SignalPropagation.Analyze(model).Layers.Where(l => l.Type == "dense"))
            Close(2.0, l.Output.Variance);
    }

    [Fact]
    public void Analyze_ReluHeFanOut_ForwardEndsAtTwiceInputOverOutputWidthGradientsPreserved()
    {
        // He eq. 14 (fan_out): the gradient second moment is the same at every pre-activation, and the forward product is
        // ∏ n_l/n̂_l, which telescopes for dense layers to (input width)/(output width): He's c₂/d_L.
        var model = ModelSpec.Parse("mlp:64-128-256-32-10:relu:init=he_normal(mode=fan_out)");
        var r = SignalPropagation.Analyze(model, new PropagationOptions { OutputGradientSecondMoment = 5 });
        var dense = r.Layers.Where(l => l.Type == "dense").ToList();
        Close(2.0 * 64 / 10, dense[^1].Output.Variance);
        foreach (var l in dense) Close(5, l.OutputGradientSecondMoment);
        Close(2.0 * 5, r.Layers[0].InputGradientSecondMoment); // the input has no ReLU in front: 2/fan_out·fan_out
    }

    [Fact]
    public void Analyze_SmallVarianceSigmoid_ShowsLogisticOneSixteenthFactor()
    {
        // φ(x) ≈ ½ + x/4 near 0: Var[φ(h)] ≈ Var[h]/16 and E[φ′(h)²] ≈ 1/16 (the seed's factor); corrections are O(Var[h]).
        var model = ModelSpec.Parse("mlp:100-100-100:sigmoid:init=normal(std=1e-5)");
        var r = SignalPropagation.Analyze(model);
        var act = r.Layers.Single(l => l.Type == "activation");
        Close(1.0 / 16, act.Output.Variance / act.Input.Variance, 1e-6);
        Close(1.0 / 16, act.BackwardRatio, 1e-6);
        Close(0.5, act.Output.Mean, 1e-9);
        // The next layer sees E[x²] ≈ 1/4, so its pre-activation variance is n·Var[W]/4 (He eq. 7), not n·Var[W]·Var[x].
        Close(100 * 1e-10 * (0.25 + act.Output.Variance), r.Layers[2].Output.Variance, 1e-12);
    }

    [Fact]
    public void Analyze_NonZeroMeans_FollowTheProductFormula()
    {
        // E[h] = n·E[W]·E[x] + E[b]; Var[h] = n·(E[W²]E[x²] − E[W]²E[x]²) + Var[b].
        var model = new ModelSpec("m", FeatureShape.Features(20), [new Dense(7)])
        {
            WeightInitializer = "normal(mean=0.3, std=0.2)",
            BiasInitializer = "normal(mean=0.5, std=0.1)",
        };
        var l = SignalPropagation.Analyze(model, new PropagationOptions { InputMean = 2, InputVariance = 1.5 }).Layers[0];
        double ew = 0.3, ew2 = 0.04 + 0.09, ex = 2, ex2 = 1.5 + 4;
        Close(20 * ew * ex + 0.5, l.Output.Mean);
        Close(20 * (ew2 * ex2 - ew * ew * ex * ex) + 0.01, l.Output.Variance);
    }

    [Fact]
    public void Analyze_PaddedConvolution_CountsOnlyInBoundsTaps()
    {
        var model = new ModelSpec("c", FeatureShape.Image(2, 8, 6), [new Conv2d(4, 3, Stride: 2, Padding: 1, Bias: false)])
        { WeightInitializer = "normal(std=1)" };
        var l = SignalPropagation.Analyze(model).Layers[0];

        // Brute force: for every output position count the taps inside the input; for every input position the (output, tap) pairs hitting it.
        int h = 8, w = 6, k = 3, s = 2, p = 1, oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
        double taps = 0;
        var hits = new int[h, w];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++)
                    {
                        int y = oy * s - p + ky, x = ox * s - p + kx;
                        if (y < 0 || y >= h || x < 0 || x >= w) continue;
                        taps++;
                        hits[y, x]++;
                    }
        double fanIn = 2 * taps / (oh * ow), fanOut = 4 * hits.Cast<int>().Average();
        Close(fanIn, l.EffectiveFanIn!.Value);
        Close(fanOut, l.EffectiveFanOut!.Value);
        Close(fanIn, l.Output.Variance);
        Close(fanOut, l.InputGradientSecondMoment);
        Close(taps / (k * k), l.WeightGradientSecondMoment!.Value);
    }

    [Fact]
    public void Analyze_OrthogonalTallMatrix_KeepsSquaredNormSpreadOverOutputs()
    {
        // Q (200 × 100) has orthonormal columns: ‖Qx‖² = ‖x‖², so an output element carries 100/200 of an input element's E[x²].
        var model = new ModelSpec("o", FeatureShape.Features(100), [new Dense(200, Bias: false)]) { WeightInitializer = "orthogonal(gain=1.5)" };
        var l = SignalPropagation.Analyze(model).Layers[0];
        Close(1.5 * 1.5 * 100 / 200, l.Output.Variance);
        Close(1.5 * 1.5, l.InputGradientSecondMoment); // Qᵀ on a 200-vector: each input gets 200·(g²/200)
    }

    [Theory]
    [InlineData("", 1.0)]
    [InlineData(":scale=1/sqrt(L)", 0.5)]
    [InlineData(":scale=1/sqrt(2L)", 0.35355339059327373)]
    public void Analyze_ReluResMlp_VarianceGrowsAsOnePlusTwoAlphaSquaredPerBlock(string scale, double alpha)
    {
        // Branch Dense→ReLU→Dense with He weights maps Var v to 2v (E[relu(h)²] = v for Var[h] = 2v), so v_{l+1} = (1 + 2α²)·v_l.
        var model = ModelSpec.Parse("resmlp:32x4:relu:init=he_normal" + scale);
        var blocks = SignalPropagation.Analyze(model).TopLevel.ToList();
        for (int l = 0; l < 4; l++)
        {
            Close(Math.Pow(1 + 2 * alpha * alpha, l + 1), blocks[l].Output.Variance, 1e-12);
            // Backward mirrors it: each block multiplies the gradient second moment by the same factor.
            Close(1 + 2 * alpha * alpha, blocks[l].BackwardRatio, 1e-12);
        }
    }

    [Fact]
    public void Analyze_FixupZeroLastLayer_KeepsIdentity()
    {
        var model = ModelSpec.Parse("resmlp:32x8:relu:init=he_normal") with { Rules = [new InitRule("*.2.weight", "zeros")] };
        foreach (var block in SignalPropagation.Analyze(model, new PropagationOptions { InputVariance = 0.7 }).TopLevel)
            Assert.Equal(0.7, block.Output.Variance);
    }

    [Fact]
    public void Analyze_BranchEndingInActivation_IsRejectedWithReason()
    {
        var model = new ModelSpec("r", FeatureShape.Features(8), [new Residual([new Dense(8), new ActivationLayer("relu")])]);
        var e = Assert.Throws<NotSupportedException>(() => SignalPropagation.Analyze(model));
        Assert.Contains("layer0", e.Message);
        Assert.Contains("ends in a dense or conv2d layer", e.Message);
    }
}
