using System.Globalization;
using TorchSharp;
using WeightInit.Checkpoints;
using WeightInit.Initializers;
using WeightInit.IO;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Tests;

/// <summary>The registry's <c>pytorch_bias</c> in a rule: completed with the PyTorch fan_in of the weight beside the bias, it
/// gives the pytorch-default preset's bias bits and the bytes the checkpoint plan writes for the same pair of tensors.</summary>
public sealed class PyTorchBiasTests
{
    private const ulong Seed = 20261207;

    private static Bag Build() => new(
        ("fc", nn.Linear(12, 20)),
        ("conv", nn.Conv2d(4, 8, 3, groups: 2)),
        ("deconv", nn.ConvTranspose2d(8, 4, 3)));

    // PyTorch's fan_in of each weight, stated from the modules: Linear in; Conv2d (C/g)·K = 2·9; ConvTranspose2d dim 1 · K = 4·9
    // (PyTorch's rule on [C, M, k, k], which is what its constructor uses for the bias bound).
    public static TheoryData<string, int> Biases() => new() { { "fc", 12 }, { "conv", 2 * 9 }, { "deconv", 4 * 9 } };

    [Theory]
    [MemberData(nameof(Biases))]
    public void Rule_PyTorchBias_TakesTheWeightsFanIn_EqualsPresetAndCheckpointPlan(string module, int pytorchFanIn)
    {
        using var m = Build();
        var done = new ModuleInit(Seed).Rule("*.bias", InitializerRegistry.Parse("pytorch_bias")).Apply(m);
        string bias = module + ".bias", weight = module + ".weight";
        double b = 1 / Math.Sqrt(pytorchFanIn);
        string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        Assert.Equal($"uniform(low={R(-b)}, high={R(b)})", done.Single(d => d.Name == bias).How);
        byte[] actual = TestTensors.Bytes(TestTensors.Param(m, bias));
        Assert.All(TestTensors.Singles(actual), v => Assert.InRange(v, -b, b));

        using var preset = Build();
        new ModuleInit(Seed).Preset("pytorch-default").Apply(preset);
        Assert.Equal(TestTensors.Bytes(TestTensors.Param(preset, bias)), actual);

        // weightinit init on the same two tensors, the bias given as pytorch_bias: the plan completes it from the weight.
        var tensors = ModuleLayouts.Enumerate(m);
        var w = tensors.Single(t => t.Name == weight);
        var plan = CheckpointPlan.Create(
            [TestTensors.Declare(w, "zeros"), new TensorDeclaration(bias, tensors.Single(t => t.Name == bias).Dimensions, Initializer: "pytorch_bias")],
            InitPolicy.Default, Seed, TensorDType.Float32);
        var source = plan.Sources([1])[0];
        var bytes = new byte[source.ByteLength];
        source.Fill(0, bytes);
        Assert.Equal(bytes, actual);
    }

    [Fact]
    public void Rule_PyTorchBias_OnABiasWithNoWeightBeside_RefusesWithTheRegistrysMessage_WritesNothing()
    {
        using var m = new Bag(("fc", nn.Linear(4, 3)), ("lstm", nn.LSTM(3, 2)));
        var before = TestTensors.Bytes(TestTensors.Param(m, "fc.bias"));
        var e = Assert.ThrowsAny<ArgumentException>(() =>
            new ModuleInit(Seed).Rule("*bias*", InitializerRegistry.Parse("pytorch_bias")).Apply(m));
        Assert.Contains("'lstm.bias_ih_l0' [8] of module type LSTM", e.Message);
        Assert.Contains("pytorch_bias needs the fan_in of the weight the bias belongs to", e.Message);
        Assert.Equal(before, TestTensors.Bytes(TestTensors.Param(m, "fc.bias")));
    }
}
