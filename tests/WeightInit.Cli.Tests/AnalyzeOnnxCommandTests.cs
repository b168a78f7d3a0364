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
        Assert.Contains("20 node(s) flagged.", run.Output);
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
