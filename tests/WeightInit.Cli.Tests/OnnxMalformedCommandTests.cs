using WeightInit.Onnx.Tests;

namespace WeightInit.Cli.Tests;

/// <summary><c>init --model</c> and <c>analyze</c> on ONNX models that break one rule (built by <see cref="TinyOnnx"/>), and
/// <c>analyze</c>'s input options: each refusal is one <c>error:</c> line, exit code 2, nothing written, no hang.</summary>
public sealed class OnnxMalformedCommandTests
{
    private static readonly Lazy<string> Models = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), $"weightinit-cli-malformed-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch (IOException) { } };
        new TinyOnnx().Save(Path.Combine(dir, "tiny.onnx"));
        var loop = new TinyOnnx();
        loop.Nodes.Insert(0, new("Identity", ["W"], ["A"], "i0"));
        loop.Nodes.Insert(1, new("Identity", ["A"], ["A"], "i1"));
        loop.Nodes.Insert(2, new("Identity", ["A"], ["A"], "i2"));
        loop.Save(Path.Combine(dir, "two-producers.onnx"));
        var cycle = new TinyOnnx();
        cycle.Nodes.Insert(0, new("Relu", ["r"], ["r"], "loop"));
        cycle.Save(Path.Combine(dir, "cycle.onnx"));
        new TinyOnnx().With("W", t => t with { Dims = [int.MaxValue, int.MaxValue, int.MaxValue] }).Save(Path.Combine(dir, "overflow.onnx"));
        new TinyOnnx().With("W", t => t with { Dims = [65536, 65536] }).Save(Path.Combine(dir, "huge-dims.onnx"));
        new TinyOnnx().With("W", t => t with { DataType = 99 }).Save(Path.Combine(dir, "type99.onnx"));
        return dir;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static string Model(string name) => Path.Combine(Models.Value, name);

    [Fact]
    public void TinyModel_PlansAndAnalyzes()
    {
        // The control: the builder's model is valid for init and for ONNX Runtime, so each refusal below is the one change.
        Assert.Equal(0, CliRunner.Run("init", "--model", Model("tiny.onnx"), "--plan").ExitCode);
        var run = CliRunner.Run("analyze", Model("tiny.onnx"), "--batch", "4");
        Assert.True(run.ExitCode == 0, run.Error);
    }

    [Theory]
    [InlineData("two-producers.onnx", "both output 'A'")]
    [InlineData("cycle.onnx", "the graph has a cycle through node 0 (Relu 'loop')")]
    [InlineData("overflow.onnx", "whose element count exceeds a 64-bit integer")]
    [InlineData("huge-dims.onnx", "raw_data holds 48 bytes, but dims [65536, 65536] of 4-byte elements need 17179869184")]
    [InlineData("type99.onnx", "data_type 99, not an ONNX TensorProto.DataType")]
    public void MalformedModel_EveryCommandRefusesIt(string model, string named)
    {
        BadInput.AssertRefused(["init", "--model", Model(model), "--plan"], named);
        BadInput.AssertRefused(["init", "--model", Model(model), "--format", "onnx", "--out", $"{BadInput.Scratch}/new.onnx"], named);
        BadInput.AssertRefused(["init", "--model", Model(model), "--out", $"{BadInput.Scratch}/ckpt"], named);
        BadInput.AssertRefused(["analyze", Model(model), "--batch", "4"], named);
    }

    [Theory]
    [InlineData("2000000000")] // 2·10⁹ × 3 overflowed an int array length: a stack trace
    [InlineData("100000000")] // 3·10⁸ values: allocated and run for minutes
    public void Analyze_HugeBatch_RefusedBeforeAllocating(string batch) =>
        BadInput.AssertRefused(["analyze", Model("tiny.onnx"), "--batch", batch], "more than 16,777,216 input values");

    [Fact]
    public void Analyze_HugeInputShape_RefusedBeforeAllocating() =>
        BadInput.AssertRefused(["analyze", Model("tiny.onnx"), "--input", "x=[2147483647,3]"], "more than 16,777,216 input values");

    [Theory]
    [InlineData("x=[0,3]")] // gave "The pre-activation variance must be finite and non-negative; got NaN."
    [InlineData("x=[4,0]")]
    public void Analyze_InputWithAZeroDimension_Refused(string input) =>
        BadInput.AssertRefused(["analyze", Model("tiny.onnx"), "--input", input], "every dimension must be at least 1");

    [Fact]
    public void Analyze_InputGivenTwice_Refused() =>
        BadInput.AssertRefused(["analyze", Model("tiny.onnx"), "--input", "x=[4,3]", "--input", "x=[2,3]"], "--input 'x' is given twice");

    [Fact]
    public void Analyze_InputShapeTheModelRejects_OnnxRuntimesWholeMessageOnOneLine() =>
        // ONNX Runtime's message spans lines; its first line alone ("… for the following indices") did not say which.
        BadInput.AssertRefused(["analyze", Model("tiny.onnx"), "--input", "x=[2,5]"], "index: 1 Got: 5 Expected: 3");
}
