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

    [OracleTheory(Oracle.Mpmath)]
    [InlineData("truncated_normal(lower=37.5, upper=38)", 0.0, 1.0, 37.5, 38.0)]
    [InlineData("truncated_normal(lower=-38, upper=-37.5)", 0.0, 1.0, -38.0, -37.5)]
    [InlineData("truncated_normal(lower=0.1, upper=0.1001)", 0.0, 1.0, 0.1, 0.1001)]
    [InlineData("truncated_normal(lower=38, upper=38.3)", 0.0, 1.0, 38.0, 38.3)]
    [InlineData("truncated_normal(mean=0, std=0.01, a=0.5, b=0.6)", 0.0, 0.01, 50.0, 60.0)]
    [InlineData("truncated_normal(std=2, lower=-100, upper=-99)", 0.0, 2.0, -100.0, -99.0)]
    public void Stats_AnyBounds_StateTheLawMpmathComputes(string spec, double mean, double std, double alpha, double beta)
    {
        var run = CliRunner.Run("sample", spec, "--shape", "[20000]", "--dtype", "f64", "--seed", "5", "--name", "w", "--stats", "--count", "0");
        Assert.True(run.ExitCode == 0, run.Error);
        // Mean and variance of N(μ, σ²) truncated to (μ + ασ, μ + βσ), at 400 digits.
        string output = Python.Run($$"""
from mpmath import mp, mpf, npdf, erfc, sqrt
mp.dps = 400
def Q(x): return erfc(x / sqrt(2)) / 2
a, b, mu, s = mpf({{R(alpha)}}), mpf({{R(beta)}}), mpf({{R(mean)}}), mpf({{R(std)}})
z = Q(a) - Q(b) if a >= 0 else Q(-b) - Q(-a)
m = (npdf(a) - npdf(b)) / z
v = 1 + (a * npdf(a) - b * npdf(b)) / z - m * m
print(mp.nstr(mu + s * m, 20), mp.nstr(s * s * v, 20))
""");
        var expected = output.Trim().Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        string Row(string name) => run.Output.Split('\n').Single(l => l.TrimStart().StartsWith(name + " ", StringComparison.Ordinal));
        double Stated(string name) => double.Parse(Row(name).Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
        // The CLI prints 9 significant digits: the stated law must agree to that (5e-9 relative).
        Assert.True(Math.Abs(Stated("mean") - expected[0]) <= 5e-9 * Math.Abs(expected[0]), $"{spec}: stated mean {Stated("mean")} vs {expected[0]}");
        Assert.True(Math.Abs(Stated("variance") - expected[1]) <= 5e-9 * expected[1], $"{spec}: stated variance {Stated("variance")} vs {expected[1]}");
        // The KS test against the stated CDF passes at α = 10⁻⁴ (a fixed key: deterministic).
        string ks = Row("KS");
        double p = double.Parse(ks[(ks.IndexOf("p = ", StringComparison.Ordinal) + 4)..].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.True(p > 1e-4, $"{spec}: KS p = {p}");
    }

    private static string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    [Fact]
    public void FarTailBounds_AreSampled_AndAnUnrepresentableOneIsRefusedSayingSo()
    {
        // Issue 12: a = 0.5, b = 0.6 at σ = 0.01 is (50σ, 60σ); it was refused ("bounds beyond ±37σ").
        var far = CliRunner.Run("sample", "truncated_normal(mean=0, std=0.01, a=0.5, b=0.6)", "--shape", "[64,64]", "--count", "4");
        Assert.True(far.ExitCode == 0, far.Error);
        // binary16 steps by 2⁻⁵ between 32 and 64: no binary16 value lies strictly inside (38, 38.01).
        var half = CliRunner.Run("sample", "truncated_normal(lower=38, upper=38.01)", "--shape", "[8,8]", "--dtype", "f16");
        Assert.Equal(ExitCodes.UsageError, half.ExitCode);
        Assert.Equal("error: No Half value lies in the interval (38, 38.01): widen the interval or use a wider element type.", half.Error.Trim());
        Assert.False(CliRunner.HasStackTrace(half.Error));
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
