namespace WeightInit.Cli.Tests;

public class FanCommandTests
{
    private static string Row(string output, string label) =>
        output.Split('\n').Single(line => line.StartsWith($"│ {label} ", StringComparison.Ordinal));

    private static string[] Cells(string row) =>
        row.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Fan_DepthwiseConvolution_ExactBesideEachConvention()
    {
        // A PyTorch depthwise 3×3 over 64 channels: exact fans are 1·9 and (64/64)·9; PyTorch counts fan_out = 64·9 = 576,
        // Keras reads [64, 1, 3, 3] as [k, k, in, out] = receptive field 64·1 with in 3 and out 3: 192 and 192.
        var run = CliRunner.Run("fan", "--shape", "[64,1,3,3]", "--layout", "OutInKernel", "--groups", "64");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(["exact (OutInKernel, groups 64)", "9", "9", "9"], Cells(Row(run.Output, "exact")));
        Assert.Equal(["pytorch", "9", "576", "292.5", "fan_out ×64"], Cells(Row(run.Output, "pytorch")));
        Assert.Equal(["keras", "192", "192", "192"], Cells(Row(run.Output, "keras"))[..4]);
    }

    [Fact]
    public void Fan_OneConvention_ShowsOnlyIt()
    {
        var run = CliRunner.Run("fan", "--shape", "3x3x64x128", "--layout", "KernelInOut", "--convention", "keras");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(["keras", "576", "1152", "864", "same"], Cells(Row(run.Output, "keras")));
        Assert.DoesNotContain("pytorch", run.Output);
    }

    [Fact]
    public void Fan_BadLayout_ExitsTwoListingLayouts()
    {
        var run = CliRunner.Run("fan", "--shape", "[3,3]", "--layout", "NCHW");

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("'NCHW'", run.Error);
        foreach (var layout in Enum.GetNames<WeightInit.Shapes.WeightLayout>())
            Assert.Contains(layout, run.Error);
        Assert.False(CliRunner.HasStackTrace(run.Error));
    }

    [Fact]
    public void Fan_BadConvention_ExitsTwoListingConventions()
    {
        var run = CliRunner.Run("fan", "--shape", "[3,3]", "--layout", "OutIn", "--convention", "tensorflow");

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("'tensorflow'", run.Error);
        Assert.Contains("pytorch, keras, jax, caffe, mxnet", run.Error);
    }

    [Fact]
    public void Fan_GroupsNotDividingChannels_ExitsTwoWithLibraryMessage()
    {
        var run = CliRunner.Run("fan", "--shape", "[10,4,3,3]", "--layout", "OutInKernel", "--groups", "3");

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("groups", run.Error);
        Assert.False(CliRunner.HasStackTrace(run.Error));
    }

    [Fact]
    public void Fan_MissingLayout_ExitsTwo()
    {
        var run = CliRunner.Run("fan", "--shape", "[3,3]");

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("--layout", run.Error);
    }
}
