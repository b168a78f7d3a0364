using System.Text.Json;
using WeightInit.IO;
using WeightInit.Onnx;
using WeightInit.Onnx.Tests;
using WeightInit.Tests.Oracles;

namespace WeightInit.Cli.Tests;

/// <summary><c>weightinit init --model MODEL.onnx</c>: the plan (text and JSON), ONNX and checkpoint output, and bad input.</summary>
public sealed class InitOnnxCommandTests
{
    private static string Mlp => TorchExports.PathOf("mlp");

    private static void AssertOneErrorLine(CliRun run, string expected)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.False(CliRunner.HasStackTrace(run.Error));
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void PlanJson_Mlp_EveryTensorWithRoleFansOpAndTotals()
    {
        var run = CliRunner.Run("init", "--model", Mlp, "--plan", "--json");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Output);
        var root = doc.RootElement;
        // Linear(8, 16) and Linear(16, 4): 8·16 + 16 + 16·4 + 4 parameters, float32.
        long parameters = 8 * 16 + 16 + 16 * 4 + 4;
        Assert.Equal(parameters, root.GetProperty("parameters").GetInt64());
        Assert.Equal(4 * parameters, root.GetProperty("bytes").GetInt64());
        var tensors = root.GetProperty("tensors").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], tensors.Keys);
        var w = tensors["2.weight"];
        Assert.Equal([4, 16], w.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal("F32", w.GetProperty("dtype").GetString());
        Assert.Equal("linear", w.GetProperty("role").GetString());
        Assert.Equal("glorot_uniform", w.GetProperty("init").GetString());
        Assert.Equal(16, w.GetProperty("fan_in").GetInt32());
        Assert.Equal(4, w.GetProperty("fan_out").GetInt32());
        Assert.StartsWith("Gemm", w.GetProperty("op").GetString());
        Assert.Equal("bias", tensors["2.bias"].GetProperty("role").GetString());
        Assert.StartsWith("Gemm", tensors["2.bias"].GetProperty("op").GetString());
        Assert.Empty(root.GetProperty("kept").EnumerateArray());
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void PlanText_PresetAndRules_RulesWinAndThePresetGivesPyTorchsLaws()
    {
        var run = CliRunner.Run("init", "--model", Mlp, "--preset", "pytorch-default", "--rules", """{"rules": [{"pattern": "2.*", "init": "zeros"}]}""", "--plan");
        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^name\s+shape\s+dtype\s+role\s+op\s+fan_in\s+fan_out\s+init$", lines[0]);
        string Row(string name) => lines.Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        // nn.Linear(8, 16): kaiming_uniform(a=√5) and a bias U(±1/√8).
        Assert.EndsWith("kaiming_uniform(a=sqrt(5))", Row("0.weight"));
        Assert.Contains($"uniform(low={-1 / Math.Sqrt(8):R}, high={1 / Math.Sqrt(8):R})", Row("0.bias"));
        Assert.EndsWith("zeros", Row("2.weight"));
        Assert.EndsWith("zeros", Row("2.bias"));
        Assert.Equal($"4 tensors, {8 * 16 + 16 + 16 * 4 + 4:N0} parameters, {4 * (8 * 16 + 16 + 16 * 4 + 4):N0} bytes", lines[5]);
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void FormatOnnx_WritesTheModelTheLibraryWrites()
    {
        string dir = TorchExports.Scratch();
        string viaCli = Path.Combine(dir, "cli.onnx"), viaLibrary = Path.Combine(dir, "library.onnx");
        var run = CliRunner.Run("init", "--model", TorchExports.PathOf("transformer"), "--preset", "pytorch-default", "--seed", "11", "--format", "onnx", "--out", viaCli);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Contains("(2 split from aliases)", run.Output);
        var plan = OnnxPlanner.Plan(OnnxModel.Load(TorchExports.PathOf("transformer")),
            new OnnxPlanOptions { Policy = WeightInit.Checkpoints.InitPolicy.Default.Then(WeightInit.Checkpoints.CheckpointPresets.PyTorchDefault), PyTorchModules = true });
        OnnxWriter.Write(plan, plan.ToCheckpointPlan(11), viaLibrary);
        Assert.Equal(File.ReadAllBytes(viaLibrary), File.ReadAllBytes(viaCli));
        Assert.Equal(["cli.onnx", "library.onnx"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void FormatSafetensors_FromOnnx_WritesTheRewrittenTensors()
    {
        string dir = Path.Combine(TorchExports.Scratch(), "ckpt");
        var run = CliRunner.Run("init", "--model", Mlp, "--out", dir);
        Assert.Equal(0, run.ExitCode);
        string file = Directory.GetFiles(dir, "*.safetensors").Single();
        using var reader = SafetensorsReader.Open(file);
        Assert.Equal(["0.bias", "0.weight", "2.bias", "2.weight"], reader.Tensors.Select(t => t.Name).Order());
        Assert.Equal([16L, 8L], reader.Tensors.Single(t => t.Name == "0.weight").Shape);
    }

    [Fact]
    public void NotProtobuf_OneErrorLine_NoFile()
    {
        string dir = Path.Combine(Path.GetTempPath(), "weightinit-cli-onnx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string model = Path.Combine(dir, "bad.onnx");
        File.WriteAllText(model, "not a model\n");
        AssertOneErrorLine(CliRunner.Run("init", "--model", model, "--format", "onnx", "--out", Path.Combine(dir, "new.onnx")), "is not an ONNX model");
        Assert.Equal(["bad.onnx"], Directory.GetFiles(dir).Select(Path.GetFileName));
        Directory.Delete(dir, true);
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void Truncated_OneErrorLine_NoFile()
    {
        string dir = TorchExports.Scratch();
        string model = Path.Combine(dir, "cut.onnx");
        byte[] bytes = File.ReadAllBytes(TorchExports.PathOf("cnn"));
        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);
        AssertOneErrorLine(CliRunner.Run("init", "--model", model, "--format", "onnx", "--out", Path.Combine(dir, "new.onnx")), "is not an ONNX model");
        Assert.Equal(["cut.onnx"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void MissingModel_OneErrorLine() =>
        AssertOneErrorLine(CliRunner.Run("init", "--model", "/nonexistent/model.onnx", "--plan"), "does not exist");

    [Fact]
    public void FormatOnnx_WithoutOnnxModel_OneErrorLine() =>
        AssertOneErrorLine(CliRunner.Run("init", "--preset", "gpt2", "--format", "onnx", "--out", "x.onnx"), "needs --model MODEL.onnx");

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void FormatOnnx_BadCombinations_OneErrorLineEach()
    {
        string dir = TorchExports.Scratch();
        string output = Path.Combine(dir, "new.onnx");
        AssertOneErrorLine(CliRunner.Run("init", "--model", Mlp, "--format", "onnx", "--dtype", "f16", "--out", output), "keeps each initializer's ONNX type");
        AssertOneErrorLine(CliRunner.Run("init", "--model", Mlp, "--format", "onnx", "--out", Mlp), "is the input model");
        AssertOneErrorLine(CliRunner.Run("init", "--model", Mlp, "--format", "onnx", "--out", dir), "is a directory");
        AssertOneErrorLine(CliRunner.Run("init", "--model", Mlp, "--format", "onnx", "--out", Path.Combine(dir, "missing", "new.onnx")), "does not exist");
        AssertOneErrorLine(CliRunner.Run("init", "--model", Mlp, "--format", "tflite", "--out", output), "valid: onnx, safetensors, npy, npz");
        // A folder the file system will not create a file in: the message names the path given, not our temporary beside it.
        var proc = CliRunner.Run("init", "--model", Mlp, "--format", "onnx", "--out", "/proc/weightinit-new.onnx");
        AssertOneErrorLine(proc, "--out '/proc/weightinit-new.onnx' could not be written (the file system does not let a file be created there)");
        Assert.DoesNotContain(".tmp-", proc.Error);
        AssertOneErrorLine(CliRunner.Run("init", "--model", Mlp, "--rules", """{"tensors": []}""", "--plan"), "valid: defaults, rules");
        AssertOneErrorLine(CliRunner.Run("init", "--model", Mlp, "--rules", """{"rules": [{"pattern": "*", "init": "he_normal"}]}""", "--plan"), "0.bias");
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }
}

/// <summary>The plan's kept tensors, and a model with nothing to initialize.</summary>
public sealed class InitOnnxUnplacedTests
{
    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void PlanJson_UnplacedTensor_InTheKeptArrayWithItsReason()
    {
        var run = CliRunner.Run("init", "--model", TorchExports.PathOf("scaled"), "--plan", "--json");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Output);
        var kept = Assert.Single(doc.RootElement.GetProperty("kept").EnumerateArray());
        Assert.Equal("scale", kept.GetProperty("name").GetString());
        Assert.Equal("F32", kept.GetProperty("dtype").GetString());
        Assert.StartsWith("Mul", kept.GetProperty("op").GetString());
        Assert.Equal("kept: Mul that does not follow a normalization", kept.GetProperty("reason").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("tensors").GetArrayLength());
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void NothingPlaceable_OneErrorLine_NoFile()
    {
        string output = Path.Combine(TorchExports.Scratch(), "new.onnx");
        var run = CliRunner.Run("init", "--model", TorchExports.PathOf("unplaceable"), "--format", "onnx", "--out", output);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: No initializer of ", run.Error);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(output));
    }
}
