namespace WeightInit.Cli.Tests;

/// <summary>What <c>sample</c> prints is written as a person writes it: the law, sizes, and an empty tensor as a no-op.</summary>
public class SampleLawTextTests
{
    [Fact]
    public void EmptyTensor_IsANoOp_SaidPlainly()
    {
        var run = CliRunner.Run("sample", "xavier_uniform", "--shape", "0,10");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("no-op", run.Output);
        Assert.DoesNotContain("Parameter", run.Output + run.Error);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void NormalLaw_IsWrittenAsNOfMeanAndVariance_SizesInFull()
    {
        var run = CliRunner.Run("sample", "he_normal", "--shape", "1024,1024");
        Assert.True(run.ExitCode == 0, run.Error);
        // He normal on fan_in 1024: std = √(2/1024) = 0.044194173824159216
        Assert.Contains("N(0, 0.0441942²)", run.Output);
        Assert.Contains("1048576 elements", run.Output);
        Assert.DoesNotContain("Distribution {", run.Output);
        Assert.DoesNotContain("E+", run.Output);
    }

    [Fact]
    public void UniformLaw_IsWrittenAsAHalfOpenInterval()
    {
        var run = CliRunner.Run("sample", "glorot_uniform", "--shape", "30,40");
        Assert.True(run.ExitCode == 0, run.Error);
        // Glorot uniform, fans 40 and 30: bound √(6/70) = 0.29277002188455997
        Assert.Contains("U[-0.29277, 0.29277)", run.Output);
        Assert.DoesNotContain("Distribution {", run.Output);
    }

    [Fact]
    public void TruncatedLaw_IsWrittenAsTN()
    {
        var run = CliRunner.Run("sample", "truncated_normal(std=0.5)", "--shape", "10,10");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("TN(", run.Output);
        Assert.DoesNotContain("Distribution {", run.Output);
    }
}
