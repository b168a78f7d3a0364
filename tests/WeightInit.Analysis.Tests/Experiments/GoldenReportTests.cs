using System.Runtime.CompilerServices;
using WeightInit.Analysis.Experiments;

namespace WeightInit.Analysis.Tests.Experiments;

/// <summary>A small quick report's results.json, compared byte for byte with the reviewed copy under Golden/.</summary>
/// <remarks>
/// The file pins every measured number of three experiments (Caffe fans, symmetry, deep matmul chains) at seed 7, so a
/// change to the generator, the samplers, the initializers, the network engine or the GEMM that moves a single bit shows
/// here. The numbers are the same at every thread count and on every SIMD path (the file was checked under
/// DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0). When a change is meant to alter them, run
/// the test with WEIGHTINIT_UPDATE_GOLDEN=1: it rewrites the file and fails, so the diff is reviewed before it is committed.
/// </remarks>
public class GoldenReportTests
{
    private static readonly string[] Names = ["caffe-fans", "symmetry", "deep-matmul"];

    [Fact]
    public void ResultsJson_QuickSeed7_MatchesTheReviewedGoldenFile()
    {
        var settings = new ExperimentSettings(Seed: 7, Quick: true);
        string actual = ReportBuilder.ResultsJson(ReportRunner.Select(Names).Select(e => e.Run(settings)).ToList(), settings, "golden");
        string path = GoldenPath();
        if (Environment.GetEnvironmentVariable("WEIGHTINIT_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            Assert.Fail($"Rewrote {path}; review the diff, commit it, and run again without WEIGHTINIT_UPDATE_GOLDEN.");
        }
        Assert.True(File.Exists(path), $"{path} is missing: run with WEIGHTINIT_UPDATE_GOLDEN=1 to create it.");
        string expected = File.ReadAllText(path);
        if (expected == actual) return;
        int at = Enumerable.Range(0, Math.Min(expected.Length, actual.Length)).FirstOrDefault(i => expected[i] != actual[i], Math.Min(expected.Length, actual.Length));
        string Around(string s) => s.Substring(Math.Max(0, at - 120), Math.Min(240, s.Length - Math.Max(0, at - 120)));
        Assert.Fail($"results.json differs from {path} at character {at}.\nexpected: …{Around(expected)}…\nactual:   …{Around(actual)}…");
    }

    private static string GoldenPath([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Golden", "results-quick-seed7.json");
}
