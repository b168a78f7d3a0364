using System.Text.Json;
using System.Xml.Linq;

namespace WeightInit.Cli.Tests;

public class AnalyzeCommandTests
{
    private static readonly string[] Columns = ["#", "layer", "type", "output", "Var out theory", "measured", "rel.err", "E[g²] in theory", "flag"];

    /// <summary>The table's body rows: lines starting with the box character that hold a layer index.</summary>
    private static List<string[]> Rows(string output) =>
        output.Split('\n').Where(l => l.StartsWith('│')).Select(l => l.Trim().Trim('│').Split('│').Select(c => c.Trim()).ToArray())
            .Where(c => int.TryParse(c[0], out _)).ToList();

    [Fact]
    public void Analyze_UnitNormalLinearNet_TableHasEveryUserLayerAndFlagsExplosion()
    {
        var run = CliRunner.Run("analyze", "--mlp", "64-64x9-64:linear", "--init", "normal(std=1)", "--batch", "32");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.All(Columns, c => Assert.Contains(c, run.Output));
        var rows = Rows(run.Output).Take(10).ToList(); // the first table; the re-run's follows
        // One row per user layer, numbered as written: the activations belong to their dense layer.
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString()), rows.Select(r => r[0]));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"layer{2 * i}"), rows.Select(r => r[1]));
        Assert.All(rows, r => Assert.Equal(15, r.Length));
        Assert.All(rows, r => Assert.Contains("EXPLODES fwd ×", r[14]));
        Assert.Equal("—", rows[0][11]); // the first layer is not judged backward and has no trend
        Assert.Equal("—", rows[0][12]);
        Assert.Contains("EXPLODES above ×10, VANISHES below 1/10", run.Output);
        Assert.Contains("10 layer(s) flagged", run.Output);
        Assert.Contains("layer18: n_in·E[W²] = 64, needs 1 for linear after it: lecun_normal.", run.Output);
        Assert.Contains("Suggested fix (the re-run flags nothing, theory and Monte Carlo): layer0.weight=lecun_normal,", run.Output);
        var rerun = Rows(run.Output).Skip(10).ToList();
        Assert.Equal(10, rerun.Count);
        Assert.All(rerun, r => Assert.Equal("", r[14]));
    }

    [Theory]
    [InlineData("784-1000x5-10:relu", "he_normal", "layer10", "10/1000 = 0.01")]
    [InlineData("512-1024x8-10:gelu", "he_normal", "layer16", "10/1024 = 0.00977")]
    [InlineData("784-1000x5-10:tanh", "glorot_normal", "layer10", "10/1000 = 0.01")]
    [InlineData("784-1000x5-10:selu", "lecun_normal", "layer10", "10/1000 = 0.01")]
    [InlineData("784-1000x5-10:tanh", "orthogonal", "layer10", "10/1000 = 0.01")]
    public void Analyze_HealthyNetWithClassifierHead_NoFlagAndTheHeadIsANote(string mlp, string init, string head, string shape)
    {
        // The examples of issue 15: the 1000 → 10 head shrinks the gradient by its shape, which is a note, not a flag.
        var run = CliRunner.Run("analyze", "--mlp", mlp, "--init", init);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.All(Rows(run.Output), r => Assert.Equal("", r[14]));
        Assert.Contains("No layer flagged: every gain and trend stays within ×10.", run.Output);
        Assert.Contains($"Note: {head}: the gradient shrinks ×", run.Output);
        Assert.Contains($"fan_out/fan_in = {shape} is what its shape implies", run.Output);
        Assert.DoesNotContain("Re-run", run.Output);
    }

    /// <summary>The JSON re-run's rows (<paramref name="layers"/> of them), each with none of the four judgements flagged.</summary>
    internal static List<JsonElement> ReRunFlagsNothing(JsonElement root, int layers)
    {
        var rerun = root.GetProperty("rerun").EnumerateArray().ToList();
        Assert.Equal(layers, rerun.Count);
        Assert.All(rerun, l => Assert.Equal(["none", "none", "none", "none"],
            new[] { "forward", "backward", "forwardTrend", "backwardTrend" }.Select(k => l.GetProperty(k).GetString())));
        return rerun;
    }

    [Fact]
    public void Analyze_XavierOnDepth30Relu_FlaggedAndTheReRunHeFixIsWithinTheFactor()
    {
        // Xavier's n·Var W = 1 halves E[x²] of ReLU activations per layer: the forward trend vanishes; He on every ReLU layer fixes it.
        var run = CliRunner.Run("analyze", "--mlp", "256-256x30-10:relu", "--init", "glorot_normal", "--batch", "64", "--json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var root = JsonDocument.Parse(run.Output).RootElement;
        Assert.Contains(root.GetProperty("layers").EnumerateArray(), l => l.GetProperty("forwardTrend").GetString() == "vanishes");
        var rerun = ReRunFlagsNothing(root, 31);
        Assert.All(rerun.Skip(1), l => Assert.InRange(l.GetProperty("cumulativeForward").GetDouble(), 0.1, 10));
        var fixes = root.GetProperty("fixes").EnumerateArray().ToList();
        Assert.Equal(31, fixes.Count);
        Assert.All(fixes.SkipLast(1), f => Assert.Equal("he_normal", f.GetProperty("init").GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("advice").ValueKind);
    }

    [Fact]
    public void Analyze_ReadmeTanhExample_FixReRunIsShownAndFlagsNothing()
    {
        // README's example: U[±1/√n] gives n·Var W = 1/3, the tanh signal and gradient shrink ×3 per layer.
        var run = CliRunner.Run("analyze", "--mlp", "784-1000x5-10:tanh", "--init", "glorot_standard", "--json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var root = JsonDocument.Parse(run.Output).RootElement;
        Assert.Contains(root.GetProperty("layers").EnumerateArray(), l => l.GetProperty("forwardTrend").GetString() == "vanishes");
        var rerun = ReRunFlagsNothing(root, 6);
        // Not vanishing: the gradient at the input over the output's, beyond the head's shape 10/1000, stays within ×10.
        double inputGradient = rerun[0].GetProperty("measuredGradient").GetDouble();
        Assert.InRange(inputGradient / 0.01, 0.1, 10);
        Assert.Equal(root.GetProperty("tried").GetArrayLength(), root.GetProperty("fixes").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("advice").ValueKind);
    }

    [Fact]
    public void Analyze_Json_GivesRowsFlagsAndFixes()
    {
        var run = CliRunner.Run("analyze", "--mlp", "256-256x4-256:relu", "--init", "glorot_normal", "--batch", "32", "--factor", "2", "--json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var root = JsonDocument.Parse(run.Output).RootElement;
        Assert.Equal(2, root.GetProperty("factor").GetDouble());
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(5, layers.Count);
        // Xavier halves E[x²] per ReLU layer: layer 3 (layer6) has 2^-3 of the first layer's output variance (theory), beyond ×2.
        var deep = layers[3];
        Assert.Equal("layer6", deep.GetProperty("name").GetString());
        Assert.Equal("dense+relu", deep.GetProperty("type").GetString());
        Assert.Equal(["layer6", "layer7"], deep.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("vanishes", deep.GetProperty("forwardTrend").GetString());
        Assert.Equal(0.125, deep.GetProperty("predictedVariance").GetDouble() / layers[0].GetProperty("predictedVariance").GetDouble(), 12);
        // The first layer's own gain Var relu(h)/Var x = 1/2 − 1/(2π) ≈ 0.34 is below 1/2: the layers whose own gain is flagged
        // are the smallest candidate, and its re-run flags nothing, so layer6 (flagged by the trend only) is left as it is.
        Assert.Equal("vanishes", layers[0].GetProperty("forward").GetString());
        Assert.Equal(["layer0.weight", "layer2.weight", "layer4.weight"], root.GetProperty("fixes").EnumerateArray().Select(f => f.GetProperty("pattern").GetString()));
        Assert.Equal(JsonValueKind.Null, deep.GetProperty("fixSpec").ValueKind);
        Assert.Contains("Not changed: the re-run of the other changes flags nothing.", deep.GetProperty("fix").GetString());
        Assert.All(root.GetProperty("rerun").EnumerateArray(), l => Assert.Equal(["none", "none", "none", "none"],
            new[] { "forward", "backward", "forwardTrend", "backwardTrend" }.Select(k => l.GetProperty(k).GetString())));
        Assert.Equal(JsonValueKind.Null, layers[0].GetProperty("cumulativeForward").ValueKind);
    }

    [Fact]
    public void Analyze_Svg_WritesAChartFile()
    {
        string dir = Directory.CreateTempSubdirectory("analyze-svg").FullName;
        try
        {
            string path = Path.Combine(dir, "a.svg");
            var run = CliRunner.Run("analyze", "--mlp", "16-16x3-4:tanh", "--batch", "8", "--svg", path);
            Assert.Equal(ExitCodes.Success, run.ExitCode);
            var svg = XDocument.Load(path).Root!;
            Assert.Equal("svg", svg.Name.LocalName);
            Assert.Contains("Var out (measured)", svg.ToString());
            Assert.Single(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("layer 1 (layer1): Activation", "{\"input\":[4],\"layers\":[{\"type\":\"dense\",\"units\":4},{\"type\":\"activation\",\"activation\":\"relux\"}]}")]
    [InlineData("layer 0 (conv): Groups 2 does not divide the input channels 3", "{\"input\":[3,8,8],\"layers\":[{\"type\":\"conv2d\",\"name\":\"conv\",\"channels\":4,\"kernel\":3,\"groups\":2}]}")]
    [InlineData("layer 0 (layer0): dense needs a flat input", "{\"input\":[3,8,8],\"layers\":[{\"type\":\"dense\",\"units\":4}]}")]
    [InlineData("$.layers[0].type: unknown layer type 'dens'", "{\"input\":[4],\"layers\":[{\"type\":\"dens\",\"units\":4}]}")]
    [InlineData("$.layers[0]: the required property \"units\" is missing", "{\"input\":[4],\"layers\":[{\"type\":\"dense\"}]}")]
    [InlineData("has no layers", "{\"input\":[4],\"layers\":[]}")]
    [InlineData("hidden width '0' must be a positive integer", "mlp:10-0-3:relu")]
    [InlineData("tensor layer0.weight [3, 10]: initializer 'foo'", "mlp:10-3:init=foo")]
    [InlineData("Unknown activation 'tonh'; valid: linear,", "mlp:10-3:tonh")]
    public void Analyze_BadSpec_ExitsTwoNamingTheLayerAndField(string expected, string spec)
    {
        var run = CliRunner.Run("analyze", spec);

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains(expected, run.Error);
        Assert.False(CliRunner.HasStackTrace(run.Error));
        Assert.DoesNotContain("(Parameter '", run.Error); // the library's parameter names mean nothing to the user
        Assert.Equal("", run.Output);
    }

    [Theory]
    [InlineData("--batch", "1")]
    [InlineData("--factor", "1")]
    [InlineData("--threads", "-1")]
    public void Analyze_BadOption_ExitsTwo(string option, string value)
    {
        var run = CliRunner.Run("analyze", "--mlp", "4-4:linear", option, value);
        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains(option, run.Error);
    }

    [Fact]
    public void Analyze_ModelTwiceOrNever_ExitsTwo()
    {
        Assert.Equal(ExitCodes.UsageError, CliRunner.Run("analyze", "mlp:4-4", "--mlp", "4-4").ExitCode);
        var none = CliRunner.Run("analyze");
        Assert.Equal(ExitCodes.UsageError, none.ExitCode);
        Assert.Contains("No model", none.Error);
    }

    [Fact]
    public void Analyze_SvgIntoMissingDirectory_ExitsTwoAndWritesNothing()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"analyze-missing-{Guid.NewGuid():N}");
        var run = CliRunner.Run("analyze", "--mlp", "4-4:linear", "--svg", Path.Combine(dir, "a.svg"));
        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("does not exist", run.Error);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void BenchGemm_Json_HasOneRowPerSideAndThreadCount()
    {
        var run = CliRunner.Run("bench", "--gemm", "16", "24", "--repetitions", "1", "--warmup", "0", "--json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var rows = JsonDocument.Parse(run.Output).RootElement.GetProperty("gemm").EnumerateArray().ToList();
        Assert.Equal([(16, 1), (16, 2), (24, 1), (24, 2)], rows.Select(r => (r.GetProperty("n").GetInt32(), r.GetProperty("threads").GetInt32())));
        Assert.All(rows, r => Assert.True(r.GetProperty("gFlops").GetDouble() > 0));
        Assert.All(rows, r => Assert.False(string.IsNullOrEmpty(r.GetProperty("numpyNote").GetString())));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("20000")]
    public void BenchGemm_BadSide_ExitsTwo(string side)
    {
        var run = CliRunner.Run("bench", "--gemm", side);
        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("--gemm", run.Error);
    }
}
