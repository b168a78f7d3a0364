using System.Globalization;
using WeightInit.Tests.Oracles;

namespace WeightInit.Cli.Tests;

/// <summary>SciPy runs KS tests on the .npy files `weightinit sample --out` writes; NumPy reads them back.</summary>
public class SampleOracleTests
{
    [OracleTheory(Oracle.Scipy)]
    [InlineData("he_normal", "[256,128,3,3]", "f32", "norm(0, (2/1152)**0.5)")]
    [InlineData("glorot_uniform", "[300,200]", "f64", "uniform(-(6/500)**0.5, 2*(6/500)**0.5)")]
    [InlineData("lecun_truncated_normal", "[128,64,3,3]", "f32", "truncnorm(-2, 2, 0, (1/576)**0.5/0.87962566103423978)")]
    [InlineData("trunc_normal(std=0.02, a=-0.04, b=0.04)", "[512,512]", "f32", "truncnorm(-2, 2, 0, 0.02)")]
    [InlineData("kaiming_uniform(a=sqrt(5))", "[64,1000]", "f16", "uniform(-1/1000**0.5, 2/1000**0.5)")]
    public void SampleOut_NpyFile_PassesScipyKs(string spec, string shape, string dtype, string law)
    {
        string path = Path.Combine(Path.GetTempPath(), $"weightinit-sample-{Guid.NewGuid():N}.npy");
        try
        {
            var run = CliRunner.Run("sample", spec, "--shape", shape, "--dtype", dtype, "--seed", "11", "--name", "w", "--count", "0", "--out", path);
            Assert.True(run.ExitCode == 0, run.Error);
            string output = Python.Run($"import numpy as np, scipy.stats as st\nw = np.load('{path}')\n" +
                                       $"print(w.shape, w.dtype)\nprint(repr(st.kstest(w.ravel().astype(np.float64), st.{law}.cdf).pvalue))");
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal($"({shape.Trim('[', ']').Replace(",", ", ")}{(shape.Count(c => c == ',') == 0 ? "," : "")}) {(dtype switch { "f32" => "float32", "f64" => "float64", _ => "float16" })}", lines[0]);
            double p = double.Parse(lines[1], CultureInfo.InvariantCulture);
            Assert.True(p > 1e-4, $"{spec} {dtype}: scipy KS p = {p}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SampleOut_Bfloat16OrUnwritable_Exit2_NoFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"weightinit-sample-{Guid.NewGuid():N}.npy");
        var bf16 = CliRunner.Run("sample", "he_normal", "--shape", "[8,8]", "--dtype", "bf16", "--out", path);
        Assert.Equal(2, bf16.ExitCode);
        Assert.Contains("NumPy has no BFloat16", bf16.Error);
        Assert.False(File.Exists(path));
        var missing = CliRunner.Run("sample", "he_normal", "--shape", "[8,8]", "--out", "/nonexistent-dir/w.npy");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error);
        var notNpy = CliRunner.Run("sample", "he_normal", "--shape", "[8,8]", "--out", path + ".txt");
        Assert.Equal(2, notNpy.ExitCode);
        Assert.False(File.Exists(path + ".txt"));
    }
}

public class SampleLimitTests
{
    [Fact]
    public void Stats_MoreThanAnArrayHolds_Exit2WithReason()
    {
        var run = CliRunner.Run("sample", "he_normal", "--shape", "[65536,65536]", "--stats");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("more than the", run.Error);
        var firstValues = CliRunner.Run("sample", "he_normal", "--shape", "[65536,65536]", "--count", "2");
        Assert.Equal(0, firstValues.ExitCode);
        Assert.Contains("4294967296 elements", firstValues.Output);
    }
}
