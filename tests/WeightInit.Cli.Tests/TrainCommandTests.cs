namespace WeightInit.Cli.Tests;

public class TrainCommandTests
{
    [Fact]
    public void List_NamesEveryExperiment()
    {
        var run = CliRunner.Run("train", "--list");
        Assert.Equal(0, run.ExitCode);
        foreach (var name in new[] { "glorot-table", "he-depth", "depth-sweep", "lsuv", "orthogonal" })
            Assert.Contains(name, run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "train" }, "--exp")]
    [InlineData(new[] { "train", "--exp", "table1" }, "glorot-table")]
    [InlineData(new[] { "train", "--exp", "he-depth", "--data", "/nonexistent/idx" }, "fashion-mnist")]
    [InlineData(new[] { "train", "--exp", "he-depth", "--updates", "0" }, "--updates")]
    [InlineData(new[] { "train", "--exp", "depth-sweep", "--depths", "10,x" }, "--depths")]
    [InlineData(new[] { "train", "--bench-step", "--repetitions", "0" }, "--repetitions")]
    [InlineData(new[] { "train", "--exp", "he-depth", "--schedule", "linear" }, "inverse_time")]
    [InlineData(new[] { "train", "--exp", "lsuv", "--arch", "conv" }, "he-depth only")]
    [InlineData(new[] { "train", "--exp", "he-depth", "--arch", "lstm" }, "mlp, conv")]
    [InlineData(new[] { "train", "--exp", "he-depth", "--activation", "elu" }, "relu, prelu")]
    [InlineData(new[] { "train", "--exp", "he-depth", "--seeds", "0" }, "--seeds")]
    public void BadInput_ExitTwoWithMessageNamingChoices(string[] args, string mentioned)
    {
        var run = CliRunner.Run(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(mentioned, run.Error, StringComparison.Ordinal);
        Assert.False(CliRunner.HasStackTrace(run.Error), run.Error);
    }

    [Fact]
    public void Run_WritesSummaryAndCache_SecondRunResumesFromCache()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"weightinit-train-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            string[] args = ["train", "--exp", "lsuv", "--updates", "4", "--width", "8", "--depths", "3", "--batch", "4", "--test-examples", "20", "--threads", "1", "--out", dir];
            var first = CliRunner.Run(args);
            Assert.Equal(0, first.ExitCode);
            Assert.Contains("| 3 | lsuv |", first.Output, StringComparison.Ordinal);
            string expDir = Path.Combine(dir, "lsuv");
            foreach (var f in new[] { "summary.md", "summary.json", "curves.csv", "loss.svg", "error.svg", "runs/relu3-lsuv.json", "runs/relu3-he.json" })
                Assert.True(File.Exists(Path.Combine(expDir, f)), f);
            Assert.Empty(Directory.GetFiles(expDir, "*.tmp*", SearchOption.AllDirectories));
            string summary = File.ReadAllText(Path.Combine(expDir, "summary.json"));

            var second = CliRunner.Run(args);
            Assert.Equal(0, second.ExitCode);
            Assert.Equal(4, second.Error.Split('\n').Count(l => l.Contains("cached", StringComparison.Ordinal)));
            Assert.Equal(summary, File.ReadAllText(Path.Combine(expDir, "summary.json")));

            // A changed setting does not reuse the cache.
            var third = CliRunner.Run([.. args[..4], "5", .. args[5..]]);
            Assert.Equal(0, third.ExitCode);
            Assert.DoesNotContain("cached", third.Error, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
