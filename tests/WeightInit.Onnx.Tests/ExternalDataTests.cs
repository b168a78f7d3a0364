using WeightInit.Tests.Oracles;

namespace WeightInit.Onnx.Tests;

/// <summary>Models whose initializers live in an external-data file: rewritten, the new model and its data file are what onnx 1.12 reads.</summary>
public sealed class ExternalDataTests
{
    [OracleFact(Oracle.Torch, Oracle.Onnx, Oracle.Scipy)]
    public void Rewrite_ExternalData_NewDataFileBesideTheNewModel_InputUntouched()
    {
        string input = TorchExports.Scratch(), output = TorchExports.Scratch();
        TorchExports.RunScript("external.py", TorchExports.PathOf("mlp"), input, "good");
        byte[] before = File.ReadAllBytes(Path.Combine(input, "weights.bin"));
        var model = OnnxModel.Load(Path.Combine(input, "model.onnx"));
        Assert.All(model.Initializers, i => Assert.Equal("weights.bin", i.External?.Location));
        var plan = OnnxPlanner.Plan(model);
        OnnxWriter.Write(plan, plan.ToCheckpointPlan(5), Path.Combine(output, "model.onnx"));

        Assert.Equal(before, File.ReadAllBytes(Path.Combine(input, "weights.bin")));
        Assert.Equal(before.Length, new FileInfo(Path.Combine(output, "weights.bin")).Length);
        Assert.NotEqual(before, File.ReadAllBytes(Path.Combine(output, "weights.bin")));
        // Glorot uniform for the weights (fans of Linear(8, 16) and Linear(16, 4)), zero biases: the test's own numbers.
        var laws = new Dictionary<string, Law>
        {
            ["0.weight"] = Law.Uniform(Math.Sqrt(6.0 / (8 + 16))), ["0.bias"] = Law.Constant(0),
            ["2.weight"] = Law.Uniform(Math.Sqrt(6.0 / (16 + 4))), ["2.bias"] = Law.Constant(0),
        };
        var report = TorchExports.CheckRewrite(Path.Combine(input, "model.onnx"), Path.Combine(output, "model.onnx"), [], laws);
        Assert.Equal("ok", report.GetProperty("checker").GetString());
        Assert.Empty(report.GetProperty("structure").EnumerateArray());
        var tensors = report.GetProperty("tensors");
        Assert.True(tensors.GetProperty("0.bias").GetProperty("all_equal").GetBoolean());
        Assert.True(tensors.GetProperty("0.weight").GetProperty("ks_pvalue").GetDouble() > 1e-6);
        Assert.InRange(tensors.GetProperty("0.weight").GetProperty("max").GetDouble(), 0, Math.Sqrt(6.0 / 24));
    }

    [OracleFact(Oracle.Torch, Oracle.Onnx)]
    public void Write_OverTheInputsOwnDataFile_IsRefusedAndLeavesIt()
    {
        string input = TorchExports.Scratch();
        TorchExports.RunScript("external.py", TorchExports.PathOf("mlp"), input, "good");
        byte[] before = File.ReadAllBytes(Path.Combine(input, "weights.bin"));
        var plan = OnnxPlanner.Plan(OnnxModel.Load(Path.Combine(input, "model.onnx")));
        var e = Assert.Throws<IOException>(() => OnnxWriter.Write(plan, plan.ToCheckpointPlan(5), Path.Combine(input, "new.onnx")));
        Assert.Contains("would overwrite the input's external data file", e.Message);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(input, "weights.bin")));
        Assert.False(File.Exists(Path.Combine(input, "new.onnx")));
    }
}

/// <summary>Split aliases in a model of IR version 3, where every initializer must also be a graph input.</summary>
public sealed class OldIrTests
{
    [OracleFact(Oracle.Torch, Oracle.Onnx, Oracle.Scipy)]
    public void Rewrite_Ir3_SplitPartIsAlsoAGraphInput_CheckerPasses()
    {
        string source = TorchExports.PathOf("bn_ir3");
        // A random BatchNorm scale: its Identity alias running_var (which must stay 1) becomes an initializer of its own.
        var policy = WeightInit.Checkpoints.InitPolicy.Default with { Rules = [WeightInit.Checkpoints.TensorRule.Glob("2.weight", "normal(std=0.1)")] };
        var plan = OnnxPlanner.Plan(OnnxModel.Load(source), new OnnxPlanOptions { Policy = policy });
        Assert.Equal(["2.running_var"], plan.Tensors.Where(t => t.Name != t.Source).Select(t => t.Name));
        string output = Path.Combine(TorchExports.Scratch(), "bn_ir3.onnx");
        OnnxWriter.Write(plan, plan.ToCheckpointPlan(3), output);
        var report = TorchExports.CheckRewrite(source, output, ["2.running_var"], new Dictionary<string, Law>
        {
            ["2.running_var"] = Law.Constant(1), ["2.weight"] = Law.Normal(0.1), ["2.bias"] = Law.Constant(0),
        });
        Assert.Equal("ok", report.GetProperty("checker").GetString());
        // The only structural changes: the Identity node gone, and "2.running_var" listed as a graph input after "2.weight".
        Assert.Equal(["graph.input"], report.GetProperty("structure").EnumerateArray().Select(d => d.GetString()));
        Assert.True(report.GetProperty("tensors").GetProperty("2.running_var").GetProperty("all_equal").GetBoolean());
        Assert.True(report.GetProperty("tensors").GetProperty("2.weight").GetProperty("ks_pvalue").GetDouble() > 1e-6);
    }
}
