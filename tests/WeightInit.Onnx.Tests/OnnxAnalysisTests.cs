using WeightInit.Analysis.Measurement;
using WeightInit.Checkpoints;
using WeightInit.Tests.Oracles;

namespace WeightInit.Onnx.Tests;

/// <summary>A 20-layer ReLU MLP exported by torch, run by ONNX Runtime with different initializers.</summary>
public sealed class OnnxAnalysisTests
{
    private static OnnxAnalysis Analyze(string weightSpec, ulong seed = 1)
    {
        var policy = InitPolicy.Default with
        {
            Defaults = new Dictionary<TensorRole, string>(InitPolicy.Default.Defaults) { [TensorRole.Linear] = weightSpec },
        };
        var plan = OnnxPlanner.Plan(OnnxModel.Load(TorchExports.PathOf("deep_relu")), new OnnxPlanOptions { Policy = policy });
        return OnnxAnalysis.Run(plan, plan.ToCheckpointPlan(seed), new OnnxAnalysisOptions { Batch = 128, Seed = seed });
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void Analyze_StandardNormalWeights_FlagsExplosion()
    {
        var a = Analyze("normal(std=1)");
        var gemms = a.Nodes.Where(n => n.OpType == "Gemm").ToList();
        Assert.Equal(20, gemms.Count);
        // Var W = 1 at fan_in 64: each layer multiplies the variance by about 64/2 = 32, so the first layer is already past ×10.
        Assert.Equal(VarianceFlag.Explodes, gemms[0].Flag);
        Assert.All(gemms, g => Assert.Equal(VarianceFlag.Explodes, g.Flag));
        Assert.Equal(64 * 1.0, gemms[0].TheoryVariance!.Value, 12);
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void Analyze_HeNormalWeights_FlagsNothing()
    {
        var a = Analyze("he_normal");
        var gemms = a.Nodes.Where(n => n.OpType == "Gemm").ToList();
        Assert.Equal(20, gemms.Count);
        Assert.Empty(a.Flagged);
        // He: Var y = 64·(2/64)·E[x²] = 2 after every Gemm (E[x²] = 1 at the input, and Var/2 = 1 after each ReLU).
        Assert.All(gemms, g => Assert.Equal(2.0, g.TheoryVariance!.Value, 12));
        Assert.All(a.Nodes.Where(n => n.OpType == "Relu"), r => Assert.Equal(2 * (0.5 - 1 / (2 * Math.PI)), r.TheoryVariance!.Value, 12));
        // The first layer's measured variance: fixed keys; 128·64 outputs of one random layer, so a generous 25 % band.
        Assert.InRange(gemms[0].Variance, 1.5, 2.5);
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void Analyze_SameSeed_SameNumbers()
    {
        var a = Analyze("he_normal", 9);
        var b = Analyze("he_normal", 9);
        Assert.Equal(a.Nodes.Select(n => n.Variance), b.Nodes.Select(n => n.Variance));
        Assert.Equal(a.Nodes.Select(n => n.Mean), b.Nodes.Select(n => n.Mean));
    }
}
