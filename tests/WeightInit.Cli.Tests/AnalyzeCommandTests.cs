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
    public void Analyze_UnitNormalLinearNet_TableHasEveryLayerAndFlagsExplosion()
    {
        var run = CliRunner.Run("analyze", "--mlp", "64-64x9-64:linear", "--init", "normal(std=1)", "--batch", "32");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.All(Columns, c => Assert.Contains(c, run.Output));
        var rows = Rows(run.Output);
        Assert.Equal(19, rows.Count); // 10 dense + 9 activation layers
        Assert.All(rows, r => Assert.Equal(11, r.Length));
        Assert.Equal(Enumerable.Range(0, 19).Select(i => i.ToString()), rows.Select(r => r[0]));
        Assert.All(rows.Where(r => r[2] == "dense"), r => Assert.Contains("EXPLODES fwd", r[10]));
        Assert.All(rows.Where(r => r[2] == "activation"), r => Assert.Equal("", r[10]));
        Assert.Contains("EXPLODES above ×10, VANISHES below 1/10", run.Output);
        Assert.Contains("10 layer(s) flagged", run.Output);
        Assert.Contains("layer18: n_in·E[W²] = 64, needs 1 for linear after it: use lecun_normal.", run.Output);
    }

    [Fact]
    public void Analyze_HeOnRelu_NoFlags()
    {
        var run = CliRunner.Run("analyze", "mlp:64-64x9-64:relu:init=he_normal", "--batch", "64");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var rows = Rows(run.Output);
        Assert.Equal(19, rows.Count);
        Assert.All(rows, r => Assert.Equal("", r[10]));
        Assert.Contains("No layer flagged", run.Output);
    }

    [Fact]
    public void Analyze_Json_GivesRowsFlagsAndFixes()
    {
        var run = CliRunner.Run("analyze", "--mlp", "32-32x4-32:relu", "--init", "glorot_normal", "--batch", "32", "--factor", "2", "--json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var root = JsonDocument.Parse(run.Output).RootElement;
        Assert.Equal(2, root.GetProperty("factor").GetDouble());
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(9, layers.Count);
        // Xavier halves E[x²] per ReLU layer: dense layer 4 (index 6) has Var h = 2^-3 of the input's, beyond the factor 2.
        var deep = layers[6];
        Assert.Equal("dense", deep.GetProperty("type").GetString());
        Assert.Equal("vanishes", deep.GetProperty("forward").GetString());
        Assert.Equal("he_normal", deep.GetProperty("fixSpec").GetString());
        Assert.Equal(0.125, deep.GetProperty("predictedVariance").GetDouble(), 12);
        Assert.Contains(root.GetProperty("fixes").EnumerateArray(), f => f.GetProperty("pattern").GetString() == "layer6.weight");
        Assert.Equal("none", layers[0].GetProperty("forward").GetString());
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
