using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace WeightInit.TorchSharp.Tests;

/// <summary>Runs the built <c>samples/TorchSharpInit</c> program as a process and checks every line it prints against this
/// test's own statement of the module it builds: each parameter once with its shape, biases exactly 0, the LayerNorm scale
/// exactly 1, the Embedding's padding row zero, and each weight's std within a sample-size tolerance of √(2/fan_in) with
/// fan_in worked out here from the module type and its hyper-parameters.</summary>
public sealed class SampleTests
{
    // Bounds in standard errors: a normal deviate beyond 5 has probability 5.7e-7, and the seed is fixed.
    private const double Z = 5;

    /// <summary>What the sample builds, as the test states it (shape, and fan_in from the module's hyper-parameters).</summary>
    private enum Kind { Weight, Bias, Scale }

    private sealed record Expected(string Name, long[] Shape, Kind Kind, double FanIn = double.NaN, long ZeroRows = 0);

    private static readonly Expected[] Parameters =
    [
        // Linear(64, 32): [out, in], fan_in = in.
        new("fc.weight", [32, 64], Kind.Weight, FanIn: 64),
        new("fc.bias", [32], Kind.Bias),
        // Conv2d(8, 16, 3, groups: 2): [M, C/g, 3, 3], fan_in = (C/g)·K = 4·9.
        new("conv.weight", [16, 4, 3, 3], Kind.Weight, FanIn: 8 / 2 * 9),
        new("conv.bias", [16], Kind.Bias),
        // ConvTranspose2d(16, 8, 3): [C, M, 3, 3]; each output sums C·K inputs (PyTorch's rule would say M·K = 72).
        new("deconv.weight", [16, 8, 3, 3], Kind.Weight, FanIn: 16 * 9),
        new("deconv.bias", [8], Kind.Bias),
        // Embedding(100, 32, padding_idx: 0): [n, E] read as the tied [out, in] projection, fan_in = E; row 0 zero.
        new("emb.weight", [100, 32], Kind.Weight, FanIn: 32, ZeroRows: 1),
        new("norm.weight", [32], Kind.Scale),
        new("norm.bias", [32], Kind.Bias),
        // LSTM(32, 24): four gate blocks [H, I] and [H, H] stacked along dim 0; fan_in = I, H.
        new("lstm.weight_ih_l0", [4 * 24, 32], Kind.Weight, FanIn: 32),
        new("lstm.weight_hh_l0", [4 * 24, 24], Kind.Weight, FanIn: 24),
        new("lstm.bias_ih_l0", [4 * 24], Kind.Bias),
        new("lstm.bias_hh_l0", [4 * 24], Kind.Bias),
    ];

    private static string SampleDll => typeof(SampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TorchSharpInitSample").Value!;

    private static (int Code, string Output, string Error) RunSample(params string[] args)
    {
        Assert.True(File.Exists(SampleDll), $"The sample is not built at {SampleDll}.");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(SampleDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var error = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, error.Result);
    }

    [Fact]
    public void Sample_PrintsEveryParameterOnce_BiasesZero_WeightsHeNormalOfTheirExactFanIn()
    {
        var (code, output, error) = RunSample();
        Assert.True(code == 0, $"exit {code}: {error}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var seen = new List<string>();
        foreach (string line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            string name = root.GetProperty("name").GetString()!;
            seen.Add(name);
            var expected = Parameters.SingleOrDefault(e => e.Name == name);
            Assert.True(expected is not null, $"The sample printed '{name}', which the module should not have.");
            long[] shape = root.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            Assert.Equal(expected.Shape, shape);
            double mean = root.GetProperty("mean").GetDouble(), std = root.GetProperty("std").GetDouble();
            double min = root.GetProperty("min").GetDouble(), max = root.GetProperty("max").GetDouble();
            long zeros = root.GetProperty("zeros").GetInt64();
            long n = shape.Aggregate(1L, (a, d) => a * d);
            switch (expected.Kind)
            {
                case Kind.Bias:
                    Assert.True(min == 0 && max == 0 && mean == 0 && std == 0 && zeros == n, $"{name}: a bias must be exactly 0; got {line}");
                    break;
                case Kind.Scale:
                    Assert.True(min == 1 && max == 1 && mean == 1 && std == 0 && zeros == 0, $"{name}: a LayerNorm scale must be exactly 1; got {line}");
                    break;
                default:
                    CheckHeNormal(expected, n, shape[^1], mean, std, min, max, zeros, line);
                    break;
            }
        }
        Assert.Equal(Parameters.Select(p => p.Name), seen); // each exactly once, in the module's order
    }

    // He normal: N(0, σ²), σ = √(2/fan_in). With p = the fraction of elements drawn (the rest are the zero padding row), the
    // population moments are E[x²] = pσ², E[x⁴] = 3pσ⁴, so the printed std s (over all n) has E[s] ≈ σ√p and
    // SE(s) ≈ √((3p − p²)σ⁴/n) / (2σ√p); the mean has SE σ√(p/n).
    private static void CheckHeNormal(Expected e, long n, long rowLength, double mean, double std, double min, double max, long zeros, string line)
    {
        double sigma = Math.Sqrt(2 / e.FanIn);
        long drawn = n - e.ZeroRows * rowLength;
        double p = (double)drawn / n;
        double expectedStd = sigma * Math.Sqrt(p);
        double seStd = Math.Sqrt((3 * p - p * p) / n) * sigma / (2 * Math.Sqrt(p));
        double seMean = sigma * Math.Sqrt(p / n);
        Assert.True(Math.Abs(std - expectedStd) <= Z * seStd,
            $"{e.Name}: std {std} is not within {Z} SE ({Z * seStd}) of √(2/{e.FanIn})·√{p} = {expectedStd}; {line}");
        Assert.True(Math.Abs(mean) <= Z * seMean, $"{e.Name}: mean {mean} is not within {Z} SE ({Z * seMean}) of 0; {line}");
        // The padding row is zero and nothing else is (a normal draw is exactly 0 with probability ~0).
        Assert.True(zeros == e.ZeroRows * rowLength, $"{e.Name}: {zeros} zeros, expected {e.ZeroRows * rowLength}; {line}");
        // A normal sample of n ≤ 4096 reaches beyond ±6σ with probability below 4096·2e-9; both signs occur.
        Assert.True(min < 0 && max > 0 && -min <= 6 * sigma && max <= 6 * sigma, $"{e.Name}: min {min} / max {max} against σ = {sigma}; {line}");
    }

    [Fact]
    public void Sample_SameSeed_SameOutput_OtherSeed_OtherWeights()
    {
        var a = RunSample("7");
        var b = RunSample("7");
        var c = RunSample("8");
        Assert.Equal(0, a.Code);
        Assert.Equal(a.Output, b.Output);
        Assert.NotEqual(a.Output, c.Output);
    }

    [Fact]
    public void Sample_BadSeed_OneErrorLine_Exit2()
    {
        var (code, output, error) = RunSample("forty-two");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains("forty-two", lines[0]);
    }
}
