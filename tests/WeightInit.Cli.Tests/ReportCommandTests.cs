using System.Text.Json;

namespace WeightInit.Cli.Tests;

/// <summary><c>weightinit report</c>: the files it writes, its selection of experiments, and its bad input.</summary>
public class ReportCommandTests
{
    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "weightinit-report-cli-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Report_QuickSelection_WritesTheThreeFilesWithOnlyThoseExperiments()
    {
        string dir = NewDirectory();
        try
        {
            // Names may be given as separate values or separated by commas.
            var run = CliRunner.Run("report", "--quick", "--seed", "3", "--only", "symmetry,caffe-fans", "--out", dir);

            Assert.Equal(ExitCodes.Success, run.ExitCode);
            Assert.Contains("2 experiments in", run.Output);
            Assert.Equal(["index.html", "report.md", "results.json"], Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).Order().ToArray());
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
            Assert.Equal(3UL, doc.RootElement.GetProperty("seed").GetUInt64());
            Assert.Equal(["symmetry", "caffe-fans"], doc.RootElement.GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray());
            string html = File.ReadAllText(Path.Combine(dir, "index.html"));
            Assert.Contains("<svg", html);
            Assert.Contains("# ", File.ReadAllText(Path.Combine(dir, "report.md")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Report_ConsoleSummary_ShowsTheWorstErrorBesideItsSamplingErrorAndZ()
    {
        string dir = NewDirectory();
        try
        {
            var run = CliRunner.Run("report", "--quick", "--seed", "3", "--only", "caffe-fans", "--out", dir);
            Assert.Equal(ExitCodes.Success, run.ExitCode);
            Assert.Contains("its sampling error, z", run.Output);

            // The worst comparison from results.json; its note states the sampling formula's relative SE ("expected relative SE 0.48 %").
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
            var worst = doc.RootElement.GetProperty("experiments")[0].GetProperty("comparisons").EnumerateArray()
                .MaxBy(c => c.GetProperty("relative_error").GetDouble());
            double theory = worst.GetProperty("theory").GetDouble(), measured = worst.GetProperty("measured").GetDouble();
            var se = System.Text.RegularExpressions.Regex.Match(worst.GetProperty("note").GetString()!, @"expected relative SE ([0-9.]+) %");
            Assert.True(se.Success);
            double z = (measured - theory) / Math.Abs(theory) / (double.Parse(se.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) / 100);

            string row = run.Output.Split('\n').Single(l => l.Contains("caffe-fans", StringComparison.Ordinal));
            Assert.Contains($"±{se.Groups[1].Value} %", row);
            var shown = System.Text.RegularExpressions.Regex.Match(row, @"z = (−?)([0-9.]+)");
            Assert.True(shown.Success, row);
            double shownZ = (shown.Groups[1].Value == "−" ? -1 : 1) * double.Parse(shown.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            // The note's SE is rounded to 2 digits and z is printed to 1 decimal.
            Assert.InRange(shownZ, z - 0.1 - 0.02 * Math.Abs(z), z + 0.1 + 0.02 * Math.Abs(z));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Report_List_NamesEveryExperimentAndWritesNothing()
    {
        var run = CliRunner.Run("report", "--list");
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        foreach (var name in new[] { "symmetry", "deep-matmul", "glorot", "he-depth", "caffe-fans", "mean-field", "residual" })
            Assert.Contains(name, run.Output);
    }

    [Theory]
    [InlineData("--only", "symetry", "Valid experiments: symmetry, deep-matmul")]
    [InlineData("--threads", "-2", "--threads must be ≥ 0")]
    public void Report_BadOption_ExitsTwoNamingTheChoicesAndWritesNothing(string option, string value, string expected)
    {
        string dir = NewDirectory();
        var run = CliRunner.Run("report", "--quick", option, value, "--out", dir);

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains(expected, run.Error);
        Assert.False(CliRunner.HasStackTrace(run.Error));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Report_OutputUnderAFile_ExitsTwoAndWritesNothing()
    {
        string file = Path.GetTempFileName();
        try
        {
            var run = CliRunner.Run("report", "--quick", "--only", "symmetry", "--out", Path.Combine(file, "report"));
            Assert.Equal(ExitCodes.UsageError, run.ExitCode);
            Assert.Contains(file, run.Error);
            Assert.Equal(0, new FileInfo(file).Length);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
