using System.Text.Json;

namespace WeightInit.Cli.Tests;

public class ReportTrainingTests
{
    private static readonly string[] TinyTrain = ["--updates", "4", "--width", "8", "--depths", "3", "--batch", "4", "--test-examples", "20", "--threads", "1"];
    private static readonly string[] TinyReport = ["report", "--quick", "--only", "symmetry", "--threads", "1"];

    private static string TempDir() => Path.Combine(Path.GetTempPath(), $"weightinit-report-training-{Environment.ProcessId}-{Guid.NewGuid():N}");

    [Fact]
    public void Report_WithTrainingDirectory_HasASectionPerExperimentInAllThreeFiles()
    {
        string dir = TempDir();
        try
        {
            string train = Path.Combine(dir, "train"), report = Path.Combine(dir, "report"), plain = Path.Combine(dir, "plain");
            Assert.Equal(0, CliRunner.Run(["train", "--exp", "he-depth", .. TinyTrain, "--out", train]).ExitCode);
            Assert.Equal(0, CliRunner.Run(["train", "--exp", "lsuv", .. TinyTrain, "--out", train]).ExitCode);

            var run = CliRunner.Run([.. TinyReport, "--training", train, "--out", report]);
            Assert.Equal(0, run.ExitCode);
            Assert.Contains("training-he-depth", run.Output, StringComparison.Ordinal);

            // results.json: a "training" array, one entry per experiment in catalogue order, each with the table and every run's curve.
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "results.json")));
            var training = json.RootElement.GetProperty("training").EnumerateArray().ToList();
            Assert.Equal(["training-he-depth", "training-lsuv"], training.Select(t => t.GetProperty("name").GetString()));
            var heDepth = training[0].GetProperty("data");
            Assert.Equal(4, heDepth.GetProperty("table").GetArrayLength());
            var runs = heDepth.GetProperty("runs").EnumerateArray().ToList();
            // Three seeds (train's default --seeds) per configuration, configuration by configuration.
            Assert.Equal(["relu3-xavier-fan_in", "relu3-xavier-fan_in-seed+1", "relu3-xavier-fan_in-seed+2", "relu3-xavier-fan_out", "relu3-xavier-fan_out-seed+1", "relu3-xavier-fan_out-seed+2",
                "relu3-he-fan_in", "relu3-he-fan_in-seed+1", "relu3-he-fan_in-seed+2", "relu3-he-fan_out", "relu3-he-fan_out-seed+1", "relu3-he-fan_out-seed+2"],
                runs.Select(r => r.GetProperty("id").GetString()));
            Assert.All(runs, r => Assert.Equal([0, 1, 2, 3, 4], r.GetProperty("update").EnumerateArray().Select(u => u.GetInt64())));
            // The curve in results.json is the one train wrote to curves.csv.
            string firstCsvRow = File.ReadAllLines(Path.Combine(train, "he-depth", "curves.csv"))[1];
            double csvTestError = double.Parse(firstCsvRow.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(csvTestError, runs[0].GetProperty("test_error")[0].GetDouble());

            string md = File.ReadAllText(Path.Combine(report, "report.md"));
            Assert.Contains("## 2. Training: He et al.", md, StringComparison.Ordinal);
            Assert.Contains("## 3. Training: ", md, StringComparison.Ordinal);
            Assert.Contains("| 3 | he fan\\_in |", md, StringComparison.Ordinal);

            string html = File.ReadAllText(Path.Combine(report, "index.html"));
            Assert.Contains("Training: He et al.", html, StringComparison.Ordinal);
            Assert.Contains("he-depth: test error", html, StringComparison.Ordinal);
            Assert.Contains("he-depth: training loss", html, StringComparison.Ordinal);

            // Without --training the report has no training part, and the training part changes nothing before it.
            Assert.Equal(0, CliRunner.Run([.. TinyReport, "--out", plain]).ExitCode);
            string plainJson = File.ReadAllText(Path.Combine(plain, "results.json"));
            Assert.DoesNotContain("\"training\"", plainJson, StringComparison.Ordinal);
            string withJson = File.ReadAllText(Path.Combine(report, "results.json"));
            int cut = plainJson.LastIndexOf("\n  ]", StringComparison.Ordinal);
            Assert.StartsWith(plainJson[..cut], withJson, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("missing-dir", "is not a directory")]
    [InlineData("empty-dir", "holds no training experiment")]
    [InlineData("experiment-dir", "give its parent")]
    [InlineData("garbled-summary", "summary.json is not a summary")]
    [InlineData("missing-run", "is missing")]
    [InlineData("garbled-run", "is not valid")]
    public void Report_WithBadTrainingDirectory_ExitsTwoNamingTheProblemAndWritesNothing(string damage, string mentioned)
    {
        string dir = TempDir();
        try
        {
            string train = Path.Combine(dir, "train"), report = Path.Combine(dir, "report");
            string expDir = Path.Combine(train, "he-depth");
            switch (damage)
            {
                case "missing-dir":
                    break;
                case "empty-dir":
                    Directory.CreateDirectory(train);
                    break;
                default:
                    Assert.Equal(0, CliRunner.Run(["train", "--exp", "he-depth", .. TinyTrain, "--out", train]).ExitCode);
                    if (damage == "garbled-summary") File.WriteAllText(Path.Combine(expDir, "summary.json"), "{\"experiment\": \"he-depth\", \"data\": ");
                    if (damage == "missing-run") File.Delete(Path.Combine(expDir, "runs", "relu3-he-fan_in.json"));
                    if (damage == "garbled-run") File.WriteAllText(Path.Combine(expDir, "runs", "relu3-he-fan_in.json"), "[1, 2");
                    break;
            }

            var run = CliRunner.Run([.. TinyReport, "--training", damage == "experiment-dir" ? expDir : train, "--out", report]);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains(mentioned, run.Error, StringComparison.Ordinal);
            Assert.Contains("--training", run.Error, StringComparison.Ordinal);
            Assert.False(CliRunner.HasStackTrace(run.Error), run.Error);
            Assert.False(File.Exists(Path.Combine(report, "index.html")));
            Assert.False(File.Exists(Path.Combine(report, "results.json")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Report_Full_TrainsTheScaledDownSetIntoOutTraining_AndASecondRunReusesIt()
    {
        string dir = TempDir();
        try
        {
            var first = CliRunner.Run([.. TinyReport, "--full", "--out", dir]);
            Assert.Equal(0, first.ExitCode);
            foreach (var f in new[] { "training/he-depth/summary.json", "training/glorot-table/summary.json", "training/he-depth/runs/relu30-he-fan_in.json" })
                Assert.True(File.Exists(Path.Combine(dir, f)), f);
            using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json"))))
                Assert.Equal(["training-glorot-table", "training-he-depth"],
                    json.RootElement.GetProperty("training").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
            string results = File.ReadAllText(Path.Combine(dir, "results.json"));

            var second = CliRunner.Run([.. TinyReport, "--full", "--out", dir]);
            Assert.Equal(0, second.ExitCode);
            Assert.Equal(10, second.Error.Split('\n').Count(l => l.Contains("cached", StringComparison.Ordinal)));
            Assert.Equal(results, File.ReadAllText(Path.Combine(dir, "results.json")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Report_FullWithTraining_ExitsTwo()
    {
        var run = CliRunner.Run([.. TinyReport, "--full", "--training", "x", "--out", TempDir()]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("either --full or --training", run.Error, StringComparison.Ordinal);
    }
}
