using System.Text.Json;
using WeightInit.Cli.Benchmarking;
using WeightInit.Initializers;

namespace WeightInit.Cli.Tests;

public class BenchCommandTests
{
    // --warmup 0 and two repetitions keep the run short; the fields and their consistency are what is checked, not the rates.
    private static readonly string[] SmallRun = ["bench", "--json", "--size", "65536", "--warmup", "0", "--repetitions", "2"];

    private static void AssertMeasured(JsonElement result, long elements)
    {
        Assert.Equal(JsonValueKind.Null, result.GetProperty("error").ValueKind);
        Assert.Equal(elements, result.GetProperty("elements").GetInt64());
        double seconds = result.GetProperty("bestSeconds").GetDouble();
        double rate = result.GetProperty("gValuesPerSecond").GetDouble();
        Assert.True(seconds > 0);
        Assert.Equal(elements / seconds / 1e9, rate, 1e-9 * rate);
        Assert.True(result.GetProperty("repetitions").GetInt32() is >= 1 and <= 2);
    }

    [Fact]
    public void Bench_Json_WellFormedWithEveryCase()
    {
        var run = CliRunner.Run(SmallRun);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Output);
        var root = doc.RootElement;
        Assert.Equal(BenchReport.SchemaName, root.GetProperty("schema").GetString());
        Assert.True(root.GetProperty("machine").GetProperty("processorCount").GetInt32() >= 1);
        var configuration = root.GetProperty("configuration");
        Assert.Equal(65536, configuration.GetProperty("size").GetInt64());
        Assert.Equal("f32", configuration.GetProperty("dtype").GetString());
        Assert.Equal(4, configuration.GetProperty("elementBytes").GetInt32());
        Assert.Equal(Environment.ProcessorCount, configuration.GetProperty("threads").GetInt32());
        Assert.True(configuration.GetProperty("optimized").ValueKind is JsonValueKind.True or JsonValueKind.False);

        var ceiling = root.GetProperty("ceiling");
        AssertMeasured(ceiling, 65536);
        Assert.Equal(65536 * 4 / ceiling.GetProperty("bestSeconds").GetDouble() / 1e9, ceiling.GetProperty("gigabytesPerSecond").GetDouble(), 1e-6);

        var distributions = root.GetProperty("distributions").EnumerateArray().ToList();
        Assert.Equal(["uniform", "normal", "truncated_normal"], distributions.Select(d => d.GetProperty("name").GetString()!));
        foreach (var d in distributions)
        {
            AssertMeasured(d, 65536);
            double fraction = d.GetProperty("fractionOfCeiling").GetDouble();
            Assert.Equal(d.GetProperty("gValuesPerSecond").GetDouble() / ceiling.GetProperty("gValuesPerSecond").GetDouble(), fraction, 1e-9);
        }

        var initializers = root.GetProperty("initializers").EnumerateArray().ToList();
        Assert.Equal(InitializerRegistry.All.Select(i => i.Name), initializers.Select(i => i.GetProperty("name").GetString()!));
        foreach (var i in initializers)
        {
            // Every registry entry runs at this size: as a matrix or as a 4-D convolution weight.
            AssertMeasured(i, 65536);
            Assert.Contains(i.GetProperty("shape").GetString(), new[] { "[256, 256]", "[64, 64, 4, 4]" });
        }
        Assert.Equal(JsonValueKind.Null, root.GetProperty("comparison").ValueKind);
    }

    [Fact]
    public void Bench_CompareWithoutPython_ReportsMissingAndContinues()
    {
        var run = CliRunner.Run("bench", "--json", "--size", "4096", "--warmup", "0", "--repetitions", "1", "--compare", "--python", "/nonexistent/python3");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Output);
        var comparison = doc.RootElement.GetProperty("comparison");
        var libraries = comparison.GetProperty("libraries").EnumerateArray().ToList();
        Assert.Equal(["numpy", "torch"], libraries.Select(l => l.GetProperty("name").GetString()!));
        foreach (var library in libraries)
        {
            Assert.False(library.GetProperty("available").GetBoolean());
            Assert.Contains("/nonexistent/python3 does not exist", library.GetProperty("note").GetString());
        }
        var rows = comparison.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["memset", "uniform", "normal", "truncated_normal", "orthogonal"], rows.Select(r => r.GetProperty("case").GetString()!));
        var uniform = rows[1];
        Assert.True(uniform.GetProperty("weightInitGValuesPerSecond").GetDouble() > 0);
        foreach (var other in uniform.GetProperty("others").EnumerateArray())
        {
            Assert.Equal(JsonValueKind.Null, other.GetProperty("ratio").ValueKind);
            Assert.Contains("does not exist", other.GetProperty("error").GetString());
        }
    }

    [Fact]
    public void Bench_Table_ShowsCeilingSamplersAndInitializers()
    {
        var run = CliRunner.Run("bench", "--size", "4096", "--warmup", "0", "--repetitions", "1", "--dtype", "bf16");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("4096 × bf16 (8 KiB)", run.Output);
        Assert.Contains("memset (Span.Fill)", run.Output);
        foreach (var info in InitializerRegistry.All)
            Assert.Contains($"│ {info.Name} ", run.Output);
    }

    [Fact]
    public void Bench_ThreadsZero_MeansAllCores_AsInTheOtherCommands()
    {
        var run = CliRunner.Run("bench", "--json", "--size", "4096", "--warmup", "0", "--repetitions", "1", "--threads", "0");
        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        using var doc = JsonDocument.Parse(run.Output);
        Assert.Equal(Environment.ProcessorCount, doc.RootElement.GetProperty("configuration").GetProperty("threads").GetInt32());
    }

    [Theory]
    [InlineData("--size", "0", "--size must be ≥ 1")]
    [InlineData("--threads", "-1", "--threads must be ≥ 0 (0: all cores)")]
    [InlineData("--dtype", "int8", "f32, f64, f16, bf16")]
    [InlineData("--repetitions", "0", "--repetitions must be ≥ 1")]
    [InlineData("--warmup", "-1", "--warmup")]
    public void Bench_BadOption_ExitsTwoNamingIt(string option, string value, string expectedInMessage)
    {
        var run = CliRunner.Run("bench", option, value);

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains(expectedInMessage, run.Error);
        Assert.Equal("", run.Output);
    }

    [Theory]
    [InlineData(65536, "[256, 256]", "[64, 64, 4, 4]")]
    [InlineData(4096, "[64, 64]", "[16, 16, 4, 4]")]
    [InlineData(97, "[97, 1]", "[97, 1, 1, 1]")]
    [InlineData(12, "[4, 3]", "[3, 1, 2, 2]")]
    public void BenchShapes_Size_ElementCountsMatch(int size, string matrix, string convolution)
    {
        Assert.Equal(matrix, BenchShapes.Matrix(size).ToString());
        Assert.Equal(convolution, BenchShapes.Convolution(size).ToString());
        Assert.Equal(size, BenchShapes.Matrix(size).ElementCount);
        Assert.Equal(size, BenchShapes.Convolution(size).ElementCount);
    }
}
