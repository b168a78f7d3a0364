using System.Text.Json;
using WeightInit.Tests.Oracles;

namespace WeightInit.Onnx.Tests;

/// <summary>The ONNX models the tests use, exported at test time by Debian's torch 1.13 (Scripts/make_models.py), and the
/// independent reader (Scripts/check_rewrite.py, Debian's onnx 1.12 and SciPy) that judges a rewritten model.</summary>
/// <remarks>The models are written once per test run into a temporary folder, removed when the process exits; none is committed.</remarks>
internal static class TorchExports
{
    /// <summary>Every model make_models.py writes.</summary>
    public static readonly string[] Names = ["mlp", "cnn", "bn_folded", "bn", "bn_train", "lstm", "gru", "transformer", "transformer13"];

    /// <summary>Further models make_models.py writes for single tests (an IR 3 model, a deep MLP for analyze).</summary>
    public static readonly string[] Others = ["bn_ir3", "deep_relu", "tanh_head", "scaled", "unplaceable"];

    private static readonly Lazy<string> LazyFolder = new(Export, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder holding the exported models.</summary>
    public static string Folder => LazyFolder.Value;

    /// <summary>The path of model <paramref name="name"/>.</summary>
    public static string PathOf(string name) => Path.Combine(Folder, name + ".onnx");

    /// <summary>A fresh, empty scratch folder (removed with the models' folder).</summary>
    public static string Scratch()
    {
        string dir = Path.Combine(Folder, "scratch", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Export()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"weightinit-onnx-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch (IOException) { } };
        RunScript("make_models.py", dir);
        foreach (string name in Names.Concat(Others))
            Assert.True(File.Exists(Path.Combine(dir, name + ".onnx")), $"make_models.py did not write {name}.onnx");
        return dir;
    }

    /// <summary>Runs one of the Scripts with <paramref name="arguments"/> as sys.argv[1:]; returns its standard output.</summary>
    public static string RunScript(string script, params string[] arguments)
    {
        string file = Path.Combine(AppContext.BaseDirectory, "Scripts", script);
        string argv = string.Join(", ", new[] { file }.Concat(arguments).Select(a => JsonSerializer.Serialize(a)));
        return Python.Run($"import sys, runpy\nsys.argv = [{argv}]\nrunpy.run_path(sys.argv[0], run_name='__main__')\n");
    }

    /// <summary>What check_rewrite.py found about <paramref name="rewritten"/> against <paramref name="original"/>.</summary>
    public static JsonElement CheckRewrite(string original, string rewritten, IEnumerable<string> split, IReadOnlyDictionary<string, Law> laws)
    {
        string request = Path.Combine(Path.GetDirectoryName(rewritten)!, "request-" + Guid.NewGuid().ToString("N") + ".json");
        var body = new Dictionary<string, object>
        {
            ["split"] = split.ToArray(),
            ["laws"] = laws.ToDictionary(l => l.Key, l => l.Value.ToJson()),
        };
        File.WriteAllText(request, JsonSerializer.Serialize(body));
        string output = RunScript("check_rewrite.py", original, rewritten, request);
        File.Delete(request);
        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement.Clone();
    }
}

/// <summary>The distribution a rewritten initializer must follow, stated by the test (never taken from the code under test).</summary>
/// <param name="Kind">"uniform", "normal" or "constant".</param>
/// <param name="A">Low bound, mean, or the constant.</param>
/// <param name="B">High bound or standard deviation.</param>
internal sealed record Law(string Kind, double A, double B = 0)
{
    public static Law Uniform(double bound) => new("uniform", -bound, bound);

    public static Law Normal(double std) => new("normal", 0, std);

    public static Law Constant(double value) => new("constant", value);

    public Dictionary<string, object> ToJson() => Kind switch
    {
        "uniform" => new() { ["kind"] = Kind, ["low"] = A, ["high"] = B },
        "normal" => new() { ["kind"] = Kind, ["mean"] = A, ["std"] = B },
        _ => new() { ["kind"] = Kind, ["value"] = A },
    };
}
