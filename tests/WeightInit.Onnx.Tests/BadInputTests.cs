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

    private static string Scratch()
    {
        string dir = Path.Combine(Path.GetTempPath(), "weightinit-onnx-bad-" + Guid.NewGuid().ToString("N"));
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
