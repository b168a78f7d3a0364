using System.Globalization;
using TorchSharp;
using WeightInit.Tests.Oracles;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Tests;

/// <summary>Torch mode: the bits PyTorch's constructors give after <c>manual_seed</c>, compared with TorchSharp's own correct
/// constructors (libtorch 2.10) and with Debian's PyTorch 1.13.</summary>
public sealed class TorchModeTests
{
    private static ModuleInit Torch(ulong seed) => new ModuleInit(seed, ModuleInitMode.Torch).Preset("pytorch-default");

    // Modules whose TorchSharp constructors initialize as PyTorch does (GroupNorm is not one: C.2 of the reference).
    public static IEnumerable<object[]> Modules() =>
        new[] { "linear", "conv2g", "convt2g", "conv1", "emb", "lstm", "gru", "rnn", "bilinear", "mha" }.Select(m => new object[] { m });

    private static nn.Module Make(string name) => name switch
    {
        "linear" => nn.Linear(100, 50),
        "conv2g" => nn.Conv2d(8, 16, 3, groups: 4),
        "convt2g" => nn.ConvTranspose2d(8, 16, 3, groups: 2),
        "conv1" => nn.Conv1d(4, 6, 3),
        "emb" => nn.Embedding(1000, 64),
        "lstm" => nn.LSTM(3, 25, numLayers: 2, bidirectional: true),
        "gru" => nn.GRU(3, 16),
        "rnn" => nn.RNN(3, 16),
        "bilinear" => nn.Bilinear(3, 4, 5),
        "mha" => nn.MultiheadAttention(64, 4),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Modules))]
    public void EqualsTorchSharpsOwnConstructor_AfterManualSeed(string name)
    {
        torch.manual_seed(42);
        using var reference = Make(name);
        using var ours = Make(name);
        using (torch.no_grad())
            foreach (var (_, p) in ours.named_parameters()) p.fill_(float.NaN);
        Torch(42).Apply(ours);
        var expected = reference.named_parameters().ToDictionary(p => p.name, p => TestTensors.Bytes(p.parameter));
        foreach (var (n, p) in ours.named_parameters())
            Assert.True(expected[n].AsSpan().SequenceEqual(TestTensors.Bytes(p)), $"{name}.{n} differs from TorchSharp's constructor");
    }

    [Fact]
    public void Float64_EqualsTorchSharpsConstructorWithDefaultDTypeDouble()
    {
        var saved = torch.get_default_dtype();
        torch.set_default_dtype(ScalarType.Float64);
        try
        {
            torch.manual_seed(7);
            using var reference = nn.Linear(30, 20);
            using var ours = nn.Linear(30, 20);
            Torch(7).Apply(ours);
            Assert.Equal(TestTensors.Bytes(reference.weight!), TestTensors.Bytes(ours.weight!));
            Assert.Equal(TestTensors.Bytes(reference.bias!), TestTensors.Bytes(ours.bias!));
        }
        finally
        {
            torch.set_default_dtype(saved);
        }
    }

    [OracleFact(Oracle.Torch)]
    public void EqualsPyTorch113_Linear100x50_AndAMixedModule()
    {
        const string script = """
            import torch, struct
            nn = torch.nn
            def dump(prefix, m):
                for n, p in m.named_parameters():
                    print(prefix + n, p.detach().numpy().astype('<f4').tobytes().hex())
            torch.manual_seed(42)
            dump('linear.', nn.Linear(100, 50))
            torch.manual_seed(3)
            for k, m in [('conv', nn.Conv2d(8, 16, 3, groups=4)), ('emb', nn.Embedding(50, 16)), ('lstm', nn.LSTM(3, 5)),
                         ('gn', nn.GroupNorm(2, 8)), ('mha', nn.MultiheadAttention(16, 2)), ('fc', nn.Linear(16, 4))]:
                dump(k + '.', m)
            """;
        var py = Python.Run(script).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => Convert.FromHexString(p[1]));
        using var linear = new Bag(("linear", nn.Linear(100, 50)));
        Torch(42).Apply(linear);
        using var mixed = new Bag(("conv", nn.Conv2d(8, 16, 3, groups: 4)), ("emb", nn.Embedding(50, 16)), ("lstm", nn.LSTM(3, 5)),
            ("gn", nn.GroupNorm(2, 8)), ("mha", nn.MultiheadAttention(16, 2)), ("fc", nn.Linear(16, 4)));
        Torch(3).Apply(mixed);
        int compared = 0;
        foreach (var module in new nn.Module[] { linear, mixed })
            foreach (var (n, p) in module.named_parameters())
            {
                Assert.True(py.TryGetValue(n, out var bytes), $"PyTorch has no parameter {n}");
                Assert.True(bytes.AsSpan().SequenceEqual(TestTensors.Bytes(p)), $"{n} differs from PyTorch 1.13");
                compared++;
            }
        Assert.Equal(py.Count, compared);
    }

    [Fact]
    public void RefusesRules_Float16_AndAKeyWithoutSeed()
    {
        using var m = nn.Linear(4, 3);
        var e = Assert.Throws<ArgumentException>(() => Torch(1).Rule("weight", Initializers.Init.Zeros()).Apply(m));
        Assert.Contains("no rules", e.Message);
        m.to(ScalarType.Float16);
        e = Assert.Throws<ArgumentException>(() => Torch(1).Apply(m));
        Assert.Contains("float32 and float64", e.Message);
        e = Assert.Throws<ArgumentException>(() => new ModuleInit(Random.PhiloxKey.FromSeed(1), ModuleInitMode.Torch).Preset("pytorch-default").Apply(nn.Linear(2, 2)));
        Assert.Contains("needs the seed", e.Message);
    }
}
