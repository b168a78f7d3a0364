using System.Globalization;
using System.Text.Json;
using WeightInit.Gains;

namespace WeightInit.Cli.Tests;

public class GainCommandTests
{
    private static JsonElement Single(CliRun run)
    {
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var rows = JsonDocument.Parse(run.Output).RootElement.EnumerateArray().ToList();
        return Assert.Single(rows);
    }

    [Fact]
    public void Gain_Relu_PyTorchAndSecondMomentAreSqrt2()
    {
        // E[relu(z)²] = q/2 for z ~ N(0, q): at q = 1 the second-moment gain is √2, PyTorch's table value.
        var row = Single(CliRunner.Run("gain", "relu", "--json"));

        Assert.Equal("relu", row.GetProperty("activation").GetString());
        Assert.Equal(Math.Sqrt(2), row.GetProperty("pytorch").GetDouble(), 1e-15);
        Assert.Equal(Math.Sqrt(2), row.GetProperty("secondMoment").GetDouble(), 1e-12);
        Assert.Equal(0.5, row.GetProperty("secondMomentOfActivation").GetDouble(), 1e-12);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("linearRegime").ValueKind);
        Assert.Contains(row.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("kink at 0"));
    }

    [Fact]
    public void Gain_MomentThatOverflows_HasNoGain_NeverNaNOrAZeroGain()
    {
        // Slope 1e308: E[φ²] = (1 + s²)/2 overflows a double, and Var[φ] = E[φ²] − E[φ]² is ∞ − ∞. Neither has a gain (1/√∞
        // was shown as 0, and the note said "= NaN").
        var run = CliRunner.Run("gain", "leaky_relu:1e308");
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.DoesNotContain("NaN", run.Output, StringComparison.Ordinal);
        Assert.Contains("overflows a double", run.Output, StringComparison.Ordinal);
        var row = Single(CliRunner.Run("gain", "leaky_relu:1e308", "--json"));
        Assert.Equal(JsonValueKind.Null, row.GetProperty("secondMoment").ValueKind);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("variance").ValueKind);
    }

    [Fact]
    public void Gain_LeakyReluAtQ2_SecondMomentFollowsTheFormula()
    {
        // E[φ²] = q(1 + s²)/2 = 2·1.04/2 = 1.04 for slope 0.2 at q = 2; PyTorch's gain √(2/(1 + s²)) does not depend on q.
        var row = Single(CliRunner.Run("gain", "leaky_relu:0.2", "--q", "2", "--json"));

        Assert.Equal(2, row.GetProperty("q").GetDouble());
        Assert.Equal(1.04, row.GetProperty("secondMomentOfActivation").GetDouble(), 1e-12);
        Assert.Equal(1 / Math.Sqrt(1.04), row.GetProperty("secondMoment").GetDouble(), 1e-12);
        Assert.Equal(Math.Sqrt(2 / 1.04), row.GetProperty("pytorch").GetDouble(), 1e-15);
    }

    [Fact]
    public void Gain_Gelu_EqualsLibraryAndHasNoPyTorchGain()
    {
        var row = Single(CliRunner.Run("gain", "gelu", "--json"));

        var gelu = Activation.Parse("gelu");
        Assert.Equal(JsonValueKind.Null, row.GetProperty("pytorch").ValueKind);
        Assert.Equal(Gain.SecondMoment(gelu), row.GetProperty("secondMoment").GetDouble());
        Assert.Equal(Gain.Variance(gelu), row.GetProperty("variance").GetDouble());
        Assert.Equal(Gain.Backward(gelu), row.GetProperty("backward").GetDouble());
        Assert.Equal(2, row.GetProperty("linearRegime").GetDouble());
        Assert.Contains(row.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("calculate_gain does not support"));
    }

    [Theory]
    [InlineData("elu")]      // x > 0 ? x : eˣ − 1: φ′(0⁻) = e⁰ = 1 = φ′(0⁺)
    [InlineData("softsign")] // x/(1 + |x|): φ′(x) = 1/(1 + |x|)², 1 at 0 from both sides
    public void Gain_DifferentiableAtZero_LinearRegimeIsOne(string activation)
    {
        var row = Single(CliRunner.Run("gain", activation, "--json"));

        Assert.Equal(1.0, row.GetProperty("linearRegime").GetDouble());
        Assert.DoesNotContain(row.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("kink"));
    }

    [Theory]
    [InlineData("selu")]     // φ′(0⁻) = λα, φ′(0⁺) = λ
    [InlineData("elu:0.5")]  // φ′(0⁻) = α = 0.5, φ′(0⁺) = 1
    public void Gain_KinkAtZero_HasNoLinearRegime(string activation)
    {
        var row = Single(CliRunner.Run("gain", activation, "--json"));

        Assert.Equal(JsonValueKind.Null, row.GetProperty("linearRegime").ValueKind);
        Assert.Contains(row.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("kink at 0"));
    }

    [Fact]
    public void Gain_NoActivation_ListsEveryBuiltIn()
    {
        var run = CliRunner.Run("gain", "--json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var names = JsonDocument.Parse(run.Output).RootElement.EnumerateArray().Select(r => r.GetProperty("activation").GetString()!.Split(':')[0]);
        Assert.Equal(Activation.Names, names);
    }

    [Fact]
    public void Gain_Table_ShowsTanhFiveThirds()
    {
        var run = CliRunner.Run("gain", "tanh");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var row = run.Output.Split('\n').Single(l => l.StartsWith("│ tanh ", StringComparison.Ordinal));
        var cells = row.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal((5.0 / 3.0).ToString("G9", CultureInfo.InvariantCulture), cells[1]);
    }

    [Fact]
    public void Gain_UnknownActivation_ExitsTwoListingNames()
    {
        var run = CliRunner.Run("gain", "relu6");

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("'relu6'", run.Error);
        foreach (var name in Activation.Names)
            Assert.Contains(name, run.Error);
        Assert.DoesNotContain("(Parameter", run.Error);
        Assert.False(CliRunner.HasStackTrace(run.Error));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void Gain_NonPositiveQ_ExitsTwo(string q)
    {
        var run = CliRunner.Run("gain", "relu", "--q", q);

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("--q must be a positive", run.Error);
    }
}
