using System.Globalization;
using WeightInit.Initializers;
using WeightInit.Random;
using WeightInit.Shapes;

namespace WeightInit.Cli.Tests;

public class SampleCommandTests
{
    /// <summary>The printed values: lines "[i] value", in order.</summary>
    private static List<string> Values(string output)
    {
        var values = new List<string>();
        foreach (var line in output.Split('\n'))
        {
            if (!line.StartsWith('[')) continue;
            int close = line.IndexOf(']');
            Assert.Equal(values.Count, int.Parse(line[1..close], CultureInfo.InvariantCulture));
            values.Add(line[(close + 1)..].Trim());
        }
        return values;
    }


    [Theory]
    [InlineData("he_normal", "[64,32,3,3]", "f32")]
    [InlineData("glorot_uniform", "[300,200]", "f64")]
    [InlineData("kaiming_uniform(a=0.25, mode=fan_out)", "[16,8,5]", "f16")]
    [InlineData("trunc_normal(std=0.02)", "[128,64]", "bf16")]
    [InlineData("sparse(sparsity=0.5)", "[20,10]", "f32")]
    [InlineData("caffe.xavier", "[6,5,3,3]", "f64")]
    public void Sample_SeedAndName_ValuesEqualLibraryFill(string spec, string shapeText, string dtype)
    {
        const int count = 40;
        var run = CliRunner.Run("sample", spec, "--shape", shapeText, "--dtype", dtype, "--seed", "1234", "--name", "layer1.weight", "--count", count.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var printed = Values(run.Output);
        Assert.Equal(count, printed.Count);
        var initializer = InitializerRegistry.Parse(spec);
        var shape = WeightShape.Parse(shapeText);
        var key = PhiloxKey.FromSeed(1234).Fold("layer1.weight");
        for (int i = 0; i < count; i++)
            Assert.Equal(Expected(initializer, key, shape, dtype, i), Parse(printed[i], dtype));
    }

    // Reads the printed text back to the bits of its element type (so -0 and 0 differ, and no rounding is hidden).
    private static ulong Parse(string text, string dtype) => dtype switch
    {
        "f32" or "bf16" => BitConverter.SingleToUInt32Bits(float.Parse(text, CultureInfo.InvariantCulture)),
        "f64" => BitConverter.DoubleToUInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)),
        _ => BitConverter.HalfToUInt16Bits(Half.Parse(text, CultureInfo.InvariantCulture)),
    };

    private static ulong Expected(Initializer initializer, PhiloxKey key, WeightShape shape, string dtype, int index)
    {
        switch (dtype)
        {
            case "f32":
                var f = new float[shape.ElementCount];
                initializer.Fill(key, shape, f);
                return BitConverter.SingleToUInt32Bits(f[index]);
            case "f64":
                var d = new double[shape.ElementCount];
                initializer.Fill(key, shape, d);
                return BitConverter.DoubleToUInt64Bits(d[index]);
            case "f16":
                var h = new Half[shape.ElementCount];
                initializer.Fill(key, shape, h);
                return BitConverter.HalfToUInt16Bits(h[index]);
            default:
                var b = new ushort[shape.ElementCount];
                initializer.FillBFloat16Bits(key, shape, b);
                return (ulong)b[index] << 16;
        }
    }

    [Fact]
    public void Sample_NoName_UsesSeedKeyUnfolded()
    {
        var run = CliRunner.Run("sample", "normal", "--shape", "[10]", "--seed", "42", "--count", "10");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var expected = new float[10];
        Init.Normal().Fill(PhiloxKey.FromSeed(42), WeightShape.OutIn(10), expected);
        Assert.Equal(expected, Values(run.Output).Select(v => float.Parse(v, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Sample_Layout_ChangesFansAsTheLibraryDoes()
    {
        // [3, 3, 64, 128] as a Keras kernel has fan_in 576; read as PyTorch [out, in, k, k] it would be 3·64·128.
        var run = CliRunner.Run("sample", "he_normal", "--shape", "[3,3,64,128]", "--layout", "KernelInOut", "--count", "5");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("fan_in 576, fan_out 1152", run.Output);
        var shape = WeightShape.Parse("[3,3,64,128]", WeightLayout.KernelInOut);
        var expected = new float[shape.ElementCount];
        Init.HeNormal().Fill(PhiloxKey.FromSeed(0), shape, expected);
        Assert.Equal(expected[..5], Values(run.Output).Select(v => float.Parse(v, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Sample_CountBeyondTensor_PrintsEveryElement()
    {
        var run = CliRunner.Run("sample", "ones", "--shape", "[2,3]", "--count", "100");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(Enumerable.Repeat("1", 6), Values(run.Output));
    }

    [Fact]
    public void Sample_Stats_MeasuredMomentsMatchTheValues()
    {
        var run = CliRunner.Run("sample", "glorot_uniform", "--shape", "[100,50]", "--seed", "3", "--name", "w", "--stats", "--count", "0");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Empty(Values(run.Output));
        var values = new float[5000];
        var initializer = Init.GlorotUniform();
        var shape = WeightShape.OutIn(100, 50);
        initializer.Fill(PhiloxKey.FromSeed(3).Fold("w"), shape, values);
        double mean = values.Average(v => (double)v);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        var distribution = initializer.DistributionFor(shape)!;
        string Row(string name) => run.Output.Split('\n').Single(l => l.TrimStart().StartsWith(name + " ", StringComparison.Ordinal));
        string[] Cells(string name) => Row(name).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(mean, double.Parse(Cells("mean")[1], CultureInfo.InvariantCulture), 1e-8);
        Assert.Equal(variance, double.Parse(Cells("variance")[1], CultureInfo.InvariantCulture), 1e-8);
        Assert.Equal(distribution.Variance, double.Parse(Cells("variance")[2], CultureInfo.InvariantCulture), 1e-8);
        Assert.Equal((double)values.Min(), double.Parse(Cells("min")[1], CultureInfo.InvariantCulture), 1e-8);
        Assert.Equal((double)values.Max(), double.Parse(Cells("max")[1], CultureInfo.InvariantCulture), 1e-8);
        Assert.Contains("z = ", Row("mean"));
    }

    [Fact]
    public void Sample_UnknownSpec_ExitsTwoListingValidNames()
    {
        var run = CliRunner.Run("sample", "glorot_unifrom", "--shape", "[4,4]");

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Contains("'glorot_unifrom'", run.Error);
        foreach (var info in InitializerRegistry.All)
            Assert.Contains(info.Name, run.Error);
        Assert.False(CliRunner.HasStackTrace(run.Error));
    }

    [Fact]
    public void Sample_UnknownArgument_ExitsTwoListingValidArguments()
    {
        var run = CliRunner.Run("sample", "he_normal(slop=0.1)", "--shape", "[4,4]");

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("'slop'", run.Error);
        Assert.Contains("negative_slope", run.Error);
    }

    [Theory]
    [InlineData("--dtype", "f8", "f32, f64, f16, bf16")]
    [InlineData("--layout", "OHWI", "KernelInOut")]
    [InlineData("--shape", "[3,a]", "[256, 128, 3, 3]")]
    [InlineData("--count", "-1", "--count")]
    public void Sample_BadOption_ExitsTwoNamingTheChoices(string option, string value, string expectedInMessage)
    {
        var args = new List<string> { "sample", "he_normal", "--shape", "[4,4]" };
        if (option == "--shape") args[3] = value; else args.AddRange([option, value]);

        var run = CliRunner.Run([.. args]);

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains(expectedInMessage, run.Error);
        Assert.False(CliRunner.HasStackTrace(run.Error));
    }

    [Fact]
    public void Sample_MissingShape_ExitsTwo()
    {
        var run = CliRunner.Run("sample", "he_normal");

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("--shape", run.Error);
    }

    [Fact]
    public void Sample_ShapeTheInitializerRejects_ExitsTwoWithItsMessage()
    {
        var run = CliRunner.Run("sample", "identity", "--shape", "[2,3,4]");

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("identity needs a 2-D tensor", run.Error);
    }
}
