using System.Globalization;
using TorchSharp;
using WeightInit.Initializers;
using WeightInit.Shapes;
using WeightInit.Tests.Oracles;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Tests;

/// <summary>Fans by module type: PyTorch 1.13's <c>_calculate_fan_in_and_fan_out</c> on the same parameter of the same module
/// where PyTorch is right, and the exact fans (from the module's hyper-parameters, written out here) where it is not.</summary>
public sealed class ModuleFanTests(ITestOutputHelper output)
{
    /// <summary>One parameter: the TorchSharp module, its PyTorch twin (Python source), the exact fans, and whether PyTorch's
    /// shape rule gives them.</summary>
    public sealed record Case(string Module, string Parameter, double FanIn, double FanOut, bool PyTorchRight);

    // Exact fans written from the definitions (docs/torchsharp.md, "Fans by module type"): K = kernel volume, g = groups,
    // H = hidden size, E = embedding size. PyTorchRight = false where PyTorch's rule (dim 1 / dim 0 × receptive field) differs.
    public static readonly Case[] Cases =
    [
        new("linear", "weight", 8, 16, true),                       // Linear(8,16): in, out
        new("bilinear", "weight", 3 * 4, 5 * 4, true),              // Bilinear(3,4,5): in1·in2, out·in2
        new("conv1", "weight", 4 * 3, 6 * 3, true),                 // Conv1d(4,6,3)
        new("conv2g", "weight", 8 / 4 * 9, 16 / 4 * 9, false),      // Conv2d(8,16,3,groups 4): fan_out (C_out/g)·K, PyTorch C_out·K
        new("conv3g", "weight", 4 / 2 * 27, 8 / 2 * 27, false),     // Conv3d(4,8,3,groups 2)
        new("conv3", "weight", 2 * 27, 4 * 27, true),               // Conv3d(2,4,3)
        new("convt1", "weight", 4 * 3, 6 * 3, false),               // ConvTranspose1d(4,6,3): PyTorch swaps in and out
        new("convt2g", "weight", 8 / 2 * 9, 16 / 2 * 9, false),     // ConvTranspose2d(8,16,3,groups 2)
        new("convt3", "weight", 2 * 27, 4 * 27, false),             // ConvTranspose3d(2,4,3)
        new("emb", "weight", 4, 10, true),                          // Embedding(10,4): read as the tied [out, in] projection
        new("lstm", "weight_ih_l0", 3, 5, false),                   // LSTM(3,5,2 layers,bidirectional): each gate [H, I]
        new("lstm", "weight_hh_l0", 5, 5, false),
        new("lstm", "weight_ih_l0_reverse", 3, 5, false),
        new("lstm", "weight_ih_l1", 10, 5, false),                  // layer 1 reads both directions: 2H
        new("lstm", "weight_hh_l1_reverse", 5, 5, false),
        new("gru", "weight_ih_l0", 3, 5, false),                    // GRU(3,5): 3 gates
        new("gru", "weight_hh_l0", 5, 5, false),
        new("rnn", "weight_ih_l0", 3, 5, true),                     // RNN(3,5): one gate
        new("rnn", "weight_hh_l0", 5, 5, true),
        new("mha", "in_proj_weight", 8, 8, false),                  // MultiheadAttention(8,2): q, k, v each [E, E]
        new("mha", "out_proj.weight", 8, 8, true),
        new("mhakv", "q_proj_weight", 8, 8, true),                  // kdim 6, vdim 4: separate projections
        new("mhakv", "k_proj_weight", 6, 8, true),
        new("mhakv", "v_proj_weight", 4, 8, true),
        new("mhakv", "bias_k", 8, 8, true),                         // [1,1,E], PyTorch's xavier_normal_ numbers
    ];

    private static Bag Build() => new(
        ("linear", nn.Linear(8, 16)),
        ("bilinear", nn.Bilinear(3, 4, 5)),
        ("conv1", nn.Conv1d(4, 6, 3)),
        ("conv2g", nn.Conv2d(8, 16, 3, groups: 4)),
        ("conv3g", nn.Conv3d(4, 8, 3, groups: 2)),
        ("conv3", nn.Conv3d(2, 4, 3)),
        ("convt1", nn.ConvTranspose1d(4, 6, 3)),
        ("convt2g", nn.ConvTranspose2d(8, 16, 3, groups: 2)),
        ("convt3", nn.ConvTranspose3d(2, 4, 3)),
        ("emb", nn.Embedding(10, 4, padding_idx: 3)),
        ("lstm", nn.LSTM(3, 5, numLayers: 2, bidirectional: true)),
        ("gru", nn.GRU(3, 5)),
        ("rnn", nn.RNN(3, 5)),
        ("mha", nn.MultiheadAttention(8, 2)),
        ("mhakv", nn.MultiheadAttention(8, 2, add_bias_kv: true, kdim: 6, vdim: 4)));

    private const string PyTorchTwin = """
        import torch
        from torch.nn.init import _calculate_fan_in_and_fan_out as fans
        nn = torch.nn
        m = dict(linear=nn.Linear(8, 16), bilinear=nn.Bilinear(3, 4, 5), conv1=nn.Conv1d(4, 6, 3),
                 conv2g=nn.Conv2d(8, 16, 3, groups=4), conv3g=nn.Conv3d(4, 8, 3, groups=2), conv3=nn.Conv3d(2, 4, 3),
                 convt1=nn.ConvTranspose1d(4, 6, 3), convt2g=nn.ConvTranspose2d(8, 16, 3, groups=2), convt3=nn.ConvTranspose3d(2, 4, 3),
                 emb=nn.Embedding(10, 4, padding_idx=3), lstm=nn.LSTM(3, 5, num_layers=2, bidirectional=True), gru=nn.GRU(3, 5),
                 rnn=nn.RNN(3, 5), mha=nn.MultiheadAttention(8, 2), mhakv=nn.MultiheadAttention(8, 2, add_bias_kv=True, kdim=6, vdim=4))
        for k, mod in m.items():
            for n, p in mod.named_parameters():
                if p.dim() >= 2:
                    print(k, n, *fans(p), *p.shape)
        """;

    [Fact]
    public void StatedLayouts_GiveTheExactFans()
    {
        using var module = Build();
        var tensors = ModuleLayouts.Enumerate(module);
        foreach (var c in Cases)
        {
            var t = tensors.Single(x => x.Name == c.Module + "." + c.Parameter);
            var fans = t.Shape!.Fans;
            Assert.True((c.FanIn, c.FanOut) == (fans.FanIn, fans.FanOut), $"{t.Name} {t.ModuleType}: ({fans.FanIn}, {fans.FanOut}) vs exact ({c.FanIn}, {c.FanOut})");
        }
        // Every parameter of rank ≥ 2 of the module is in the table (none silently untested).
        foreach (var t in tensors.Where(t => t.Dimensions.Count >= 2))
            Assert.True(Cases.Any(c => c.Module + "." + c.Parameter == t.Name) || IsUncovered(t.Name), $"{t.Name} is not in the table");
    }

    // Covered by a sibling of the same layout: the other LSTM directions / layers, bias_v like bias_k.
    private static bool IsUncovered(string name) =>
        name.StartsWith("lstm.weight_", StringComparison.Ordinal) || name is "mhakv.bias_v" or "mhakv.out_proj.weight";

    [OracleFact(Oracle.Torch)]
    public void Fans_EqualPyTorchWhereItIsRight_DifferWhereItIsNot()
    {
        var torchFans = Python.Run(PyTorchTwin).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0] + "." + p[1], p => (In: double.Parse(p[2], CultureInfo.InvariantCulture), Out: double.Parse(p[3], CultureInfo.InvariantCulture), Shape: string.Join(",", p.Skip(4))));
        using var module = Build();
        var tensors = ModuleLayouts.Enumerate(module);
        foreach (var c in Cases)
        {
            string name = c.Module + "." + c.Parameter;
            var t = tensors.Single(x => x.Name == name);
            var py = torchFans[name];
            Assert.Equal(py.Shape, string.Join(",", t.Dimensions)); // the same tensor in both libraries
            var fans = t.Shape!.Fans;
            output.WriteLine($"{name} [{py.Shape}]: WeightInit ({fans.FanIn}, {fans.FanOut}), PyTorch ({py.In}, {py.Out})");
            if (c.PyTorchRight) Assert.True((py.In, py.Out) == (fans.FanIn, fans.FanOut), $"{name}: PyTorch ({py.In}, {py.Out}), ours ({fans.FanIn}, {fans.FanOut})");
            else Assert.True((py.In, py.Out) != (fans.FanIn, fans.FanOut), $"{name}: marked as a PyTorch error, but PyTorch gives our ({fans.FanIn}, {fans.FanOut})");
        }
    }

    [Fact]
    public void HeNormal_UsesTheExactFans_SoTheStdIsSqrtTwoOverFanIn()
    {
        // The reported fans are the ones the initializer used: he_normal's std is √(2/fan_in) of the exact fan_in.
        using var module = Build();
        var done = new ModuleInit(5).Rule("conv2g.weight", Init.HeNormal(mode: Shapes.FanMode.FanOut)).Apply(module);
        var r = Assert.Single(done);
        Assert.Equal(16.0 / 4 * 9, r.Fans!.Value.FanOut);
        var d = (Sampling.NormalDistribution)Init.HeNormal(mode: Shapes.FanMode.FanOut).DistributionFor(ModuleLayouts.Enumerate(module).Single(t => t.Name == "conv2g.weight").Shape!)!;
        Assert.Equal(Math.Sqrt(2.0 / 36), d.StdDev, 15);
    }

    [Fact]
    public void Norms_AreVectors_WithoutFans_AndBatchNormRunningStatsAreReset()
    {
        using var module = new Bag(("ln", nn.LayerNorm(8)), ("gn", nn.GroupNorm(2, 8)), ("bn", nn.BatchNorm2d(8)));
        using (torch.no_grad())
        {
            TestTensors.Buffer(module, "bn.running_mean").fill_(3);
            TestTensors.Buffer(module, "bn.running_var").fill_(7);
            TestTensors.Buffer(module, "bn.num_batches_tracked").fill_(11);
        }
        var tensors = ModuleLayouts.Enumerate(module);
        foreach (var t in tensors.Where(t => !t.IsBuffer))
        {
            Assert.Equal(1, t.Shape!.Rank);
            Assert.ThrowsAny<ArgumentException>(() => t.Shape.Fans);
        }
        var done = new ModuleInit(1).Preset("pytorch-default").Apply(module);
        Assert.All(TestTensors.Values(TestTensors.Buffer(module, "bn.running_mean")), v => Assert.Equal(0.0, v));
        Assert.All(TestTensors.Values(TestTensors.Buffer(module, "bn.running_var")), v => Assert.Equal(1.0, v));
        Assert.Equal(0L, TestTensors.Buffer(module, "bn.num_batches_tracked").item<long>());
        // PyTorch's norms: weight 1, bias 0, GroupNorm included (TorchSharp leaves GroupNorm's memory uninitialized).
        foreach (var n in new[] { "ln", "gn", "bn" })
        {
            Assert.All(TestTensors.Values(TestTensors.Param(module, n + ".weight")), v => Assert.Equal(1.0, v));
            Assert.All(TestTensors.Values(TestTensors.Param(module, n + ".bias")), v => Assert.Equal(0.0, v));
        }
        Assert.Contains(done, d => d.Name == "bn.running_var" && d.How == "ones");
    }

    [Fact]
    public void Embedding_PaddingRow_IsZeroAfterInit_OtherRowsAreTheSpanOutput()
    {
        using var module = new Bag(("emb", nn.Embedding(10, 4, padding_idx: 3)));
        var init = Init.Normal(0, 1);
        new ModuleInit(9).Rule("emb.weight", init).PaddingIndex("emb", 3).Apply(module);
        var values = TestTensors.Values(TestTensors.Param(module, "emb.weight"));
        var expected = init.CreateSingle(Random.PhiloxKey.FromSeed(9).Fold("emb.weight"), new WeightShape([10, 4]));
        for (int i = 0; i < 40; i++)
            Assert.Equal(i / 4 == 3 ? 0.0 : expected[i], values[i]);
    }
}
