using System.Text.Json;
using WeightInit.Onnx.Tests;
using WeightInit.Tests.Oracles;

namespace WeightInit.Cli.Tests;

/// <summary><c>weightinit analyze MODEL.onnx</c> on a torch 20-layer ReLU MLP.</summary>
public sealed class AnalyzeOnnxCommandTests
{
    private static string Deep => TorchExports.PathOf("deep_relu");

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void StandardNormalWeights_TableFlagsExplosion()
    {
        var run = CliRunner.Run("analyze", Deep, "--init", "normal(std=1)", "--batch", "32");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Contains("EXPLODES fwd", run.Output);
        // Judged per layer as analyze --mlp judges (issue 15): 20 Gemm+Relu layers, named as torch named them.
        Assert.Contains("20 layer(s) flagged.", run.Output);
        Assert.Contains("Re-run in ONNX Runtime with 0.weight=he_normal, 2.weight=he_normal,", run.Output);
        Assert.Contains("Suggested fix (the re-run flags nothing): 0.weight=he_normal, 2.weight=he_normal,", run.Output);
        Assert.Contains("38.weight=he_normal.", run.Output);
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void StandardNormalWeights_JsonReRunFlagsNothing()
    {
        var run = CliRunner.Run("analyze", Deep, "--init", "normal(std=1)", "--batch", "32", "--json");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Output);
        var root = doc.RootElement;
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (2 * i).ToString()), layers.Select(l => l.GetProperty("name").GetString()));
        Assert.All(layers, l => Assert.Equal("explodes", l.GetProperty("forward").GetString()));
        var rerun = AnalyzeCommandTests.ReRunFlagsNothing(root, 20);
        Assert.All(rerun, l => Assert.InRange(l.GetProperty("forwardGain").GetDouble(), 0.1, 10));
        Assert.Equal(20, root.GetProperty("fixes").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("advice").ValueKind);
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void TanhWithClassifierHead_NoFlagAndTheHeadIsANote()
    {
        var run = CliRunner.Run("analyze", TorchExports.PathOf("tanh_head"), "--batch", "32");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("No layer flagged: every gain and trend stays within ×10.", run.Output);
        Assert.Contains("Note: 4: the gradient shrinks ×", run.Output);
        Assert.Contains("fan_out/fan_in = 10/1000 = 0.01 is what its shape implies", run.Output);
        Assert.DoesNotContain("Re-run", run.Output);
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void HeNormal_JsonFlagsNothing_AndTheoryIsTwoAfterEveryGemm()
    {
        var run = CliRunner.Run("analyze", Deep, "--init", "he_normal", "--json", "--batch", "32", "--input", "x=[32,64]");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Output);
        var nodes = doc.RootElement.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(40, nodes.Count);
        Assert.All(nodes, n => Assert.Equal(JsonValueKind.Null, n.GetProperty("flag").ValueKind));
        var gemms = nodes.Where(n => n.GetProperty("op").GetString() == "Gemm").ToList();
        Assert.Equal(20, gemms.Count);
        // 64 inputs, Var W = 2/64, E[x²] = 1 into every Gemm.
        Assert.All(gemms, g => Assert.Equal(64 * (2.0 / 64), g.GetProperty("theoryVariance").GetDouble(), 12));
        Assert.All(nodes, n => Assert.Equal([32, 64], n.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())));
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void IntegerInput_OneErrorLine()
    {
        var run = CliRunner.Run("analyze", TorchExports.PathOf("transformer"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: Input 'ids' holds Int64; analyze feeds N(0, 1) values to float inputs only.", run.Error.Trim());
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void UnknownInputName_OneErrorLineListingTheInputs()
    {
        var run = CliRunner.Run("analyze", Deep, "--input", "z=[2,64]");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --input 'z': the model has no such input; its inputs: x.", run.Error.Trim());
    }
}
