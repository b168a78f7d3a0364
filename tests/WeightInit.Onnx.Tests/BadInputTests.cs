using WeightInit.Tests.Oracles;

namespace WeightInit.Onnx.Tests;

/// <summary>Files that are not usable ONNX models: each gives one exception whose one-line message says what is wrong.</summary>
public sealed class BadInputTests
{
    private static InvalidDataException LoadFails(string path)
    {
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(path));
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    /// <summary>One folder per test process for the bad files, removed when the process exits.</summary>
    private static readonly Lazy<string> Root = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), $"weightinit-onnx-bad-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch (IOException) { } };
        return dir;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static string Scratch()
    {
        string dir = Path.Combine(Root.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void Load_MissingFile_FileNotFound()
    {
        string path = Path.Combine(Scratch(), "absent.onnx");
        var e = Assert.Throws<FileNotFoundException>(() => OnnxModel.Load(path));
        Assert.Contains("absent.onnx", e.Message);
    }

    [Fact]
    public void Load_NotProtobuf_SaysNotAnOnnxModel()
    {
        string path = Path.Combine(Scratch(), "text.onnx");
        File.WriteAllText(path, "this is a text file, not an ONNX model\n");
        Assert.Contains("is not an ONNX model", LoadFails(path).Message);
    }

    [Fact]
    public void Load_ModelWithoutGraph_SaysNoGraph()
    {
        string path = Path.Combine(Scratch(), "nograph.onnx");
        File.WriteAllBytes(path, [0x08, 0x08]); // ModelProto { ir_version: 8 } and nothing else
        Assert.Contains("no graph", LoadFails(path).Message);
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void Load_TruncatedModel_SaysNotAnOnnxModel()
    {
        byte[] bytes = File.ReadAllBytes(TorchExports.PathOf("transformer"));
        string path = Path.Combine(Scratch(), "truncated.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Contains("is not an ONNX model", LoadFails(path).Message);
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void Load_ExternalDataMissing_NamesTheFile()
    {
        string dir = Scratch();
        TorchExports.RunScript("external.py", TorchExports.PathOf("mlp"), dir, "good");
        File.Delete(Path.Combine(dir, "weights.bin"));
        var e = LoadFails(Path.Combine(dir, "model.onnx"));
        Assert.Contains("'weights.bin' does not exist", e.Message);
    }

    [OracleTheory(Oracle.Torch, Oracle.Onnx)]
    [InlineData("parent")]
    [InlineData("absolute")]
    public void Load_ExternalDataOutsideTheFolder_IsRefused(string mode)
    {
        string dir = Scratch();
        TorchExports.RunScript("external.py", TorchExports.PathOf("mlp"), dir, mode);
        Assert.Contains("outside the model's folder", LoadFails(Path.Combine(dir, "model.onnx")).Message);
    }
}

/// <summary>Initializers whose consumer the planner cannot place.</summary>
public sealed class UnplacedTests
{
    [OracleFact(Oracle.Torch, Oracle.Onnx, Oracle.Scipy)]
    public void Plan_MulAfterGemm_KeptByteForByteWithTheReason()
    {
        var plan = OnnxPlanner.Plan(OnnxModel.Load(TorchExports.PathOf("scaled")));
        var scale = plan.Tensors.Single(t => t.Name == "scale");
        Assert.False(scale.IsRewritten);
        Assert.Null(scale.Role);
        Assert.Equal("kept: Mul that does not follow a normalization", scale.Reason);
        Assert.Equal(["fc.weight", "fc.bias"], plan.Tensors.Where(t => t.IsRewritten).Select(t => t.Name));
        string output = Path.Combine(TorchExports.Scratch(), "scaled.onnx");
        OnnxWriter.Write(plan, plan.ToCheckpointPlan(2), output);
        var report = TorchExports.CheckRewrite(TorchExports.PathOf("scaled"), output, [],
            new Dictionary<string, Law> { ["scale"] = new("kept", 0), ["fc.bias"] = Law.Constant(0) });
        Assert.Equal("ok", report.GetProperty("checker").GetString());
        Assert.True(report.GetProperty("tensors").GetProperty("scale").GetProperty("unchanged").GetBoolean());
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void Plan_RuleNamesAnUnplacedTensor_TheRuleApplies()
    {
        var policy = WeightInit.Checkpoints.InitPolicy.Default with { Rules = [WeightInit.Checkpoints.TensorRule.Glob("scale", "ones")] };
        var plan = OnnxPlanner.Plan(OnnxModel.Load(TorchExports.PathOf("scaled")), new OnnxPlanOptions { Policy = policy });
        Assert.Equal("ones", plan.Tensors.Single(t => t.Name == "scale").Initializer);
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void ToCheckpointPlan_NothingPlaceable_OneLineArgumentException()
    {
        var plan = OnnxPlanner.Plan(OnnxModel.Load(TorchExports.PathOf("unplaceable")));
        var e = Assert.Throws<ArgumentException>(() => plan.ToCheckpointPlan(0));
        Assert.Contains("nothing to initialize", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
