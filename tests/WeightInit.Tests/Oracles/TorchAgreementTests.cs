using System.Globalization;
using WeightInit.Gains;
using WeightInit.Shapes;

namespace WeightInit.Tests.Oracles;

/// <summary>Debian's PyTorch 1.13 computes fans and gains for the same shapes and names; where PyTorch is right, we agree exactly.</summary>
public class TorchAgreementTests
{
    private static readonly int[][] Shapes = [[64, 32, 3, 3], [128, 64], [16, 8, 5, 5, 5], [10, 20, 3], [1, 1, 1, 1], [256, 3, 7, 7]];

    [OracleFact(Oracle.Torch)]
    public void Fans_GroupsOne_MatchTorchCalculateFanInAndFanOut()
    {
        var script = "import torch\nfrom torch.nn.init import _calculate_fan_in_and_fan_out as f\n" +
                     string.Join("\n", Shapes.Select(s => $"print(*f(torch.empty({string.Join(", ", s)})))"));
        var lines = Python.Run(script).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < Shapes.Length; i++)
        {
            var parts = lines[i].Split(' ');
            var exact = FanCalculator.Compute(Shapes[i], WeightLayout.OutInKernel);
            Assert.Equal(double.Parse(parts[0], CultureInfo.InvariantCulture), exact.FanIn);
            Assert.Equal(double.Parse(parts[1], CultureInfo.InvariantCulture), exact.FanOut);
            Assert.Equal(exact, FanCalculator.Compute(Shapes[i], FanConvention.PyTorch));
        }
    }

    [OracleFact(Oracle.Torch)]
    public void Fans_Grouped_TorchIgnoresGroupsForFanOut_OurPyTorchConventionReproducesIt()
    {
        // Conv2d(64, 128, 3, groups=4): weight [128, 16, 3, 3]. PyTorch reports fan_out = 128·9 (every output), the true fan_out is 32·9.
        var parts = Python.Run("import torch\nfrom torch.nn.init import _calculate_fan_in_and_fan_out as f\nprint(*f(torch.nn.Conv2d(64, 128, 3, groups=4).weight))").Trim().Split(' ');
        var torch = FanCalculator.Compute([128, 16, 3, 3], FanConvention.PyTorch);
        Assert.Equal(double.Parse(parts[0], CultureInfo.InvariantCulture), torch.FanIn);
        Assert.Equal(double.Parse(parts[1], CultureInfo.InvariantCulture), torch.FanOut);
        Assert.Equal(32 * 9, FanCalculator.Compute([128, 16, 3, 3], WeightLayout.OutInKernel, groups: 4).FanOut);
    }

    [OracleFact(Oracle.Torch)]
    public void Gains_MatchTorchCalculateGain()
    {
        var names = new[] { "linear", "conv1d", "conv2d", "conv3d", "conv_transpose2d", "sigmoid", "tanh", "relu", "leaky_relu", "leaky_relu:0.2", "selu" };
        var script = "import torch\nfrom torch.nn.init import calculate_gain as g\n" + string.Join("\n", names.Select(n =>
            n.Contains(':') ? $"print(repr(g('{n.Split(':')[0]}', {n.Split(':')[1]})))" : $"print(repr(g('{n}')))"));
        var lines = Python.Run(script).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < names.Length; i++)
            Assert.Equal(double.Parse(lines[i], CultureInfo.InvariantCulture), Gain.PyTorch(Activation.Parse(names[i])), 1e-15);
    }
}
