using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using WeightInit.Initializers;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Benchmarks;

/// <summary>Every parameter of a module of several layer types (Embedding 32000 × 512, Linear 512 → 2048 → 512, Conv2d 256 → 256
/// 3 × 3, LSTM 512 → 512; weights only, no biases) initialized by TorchSharp's own functions in a loop over
/// <c>parameters()</c>, and by one <see cref="ModuleInit"/> call, at 1 and 2 threads.</summary>
public class ModuleInitBenchmarks
{
    private nn.Module _module = null!;
    private Parameter[] _parameters = [];
    private ModuleInit _normal = null!, _uniform = null!, _heUniform = null!;

    /// <summary>Threads for both libraries.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the module and sets both libraries' thread counts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        _module = new Layers();
        _parameters = _module.parameters().ToArray();
        _normal = new ModuleInit(42).Threads(Threads).Rule("*", Init.Normal());
        _uniform = new ModuleInit(42).Threads(Threads).Rule("*", Init.Uniform(-1, 1));
        _heUniform = new ModuleInit(42).Threads(Threads).Rule("*", Init.HeUniform());
    }

    /// <summary>Frees the module.</summary>
    [GlobalCleanup]
    public void Cleanup() => _module.Dispose();

    /// <summary>TorchSharp <c>p.normal_(0, 1)</c> for every parameter.</summary>
    [Benchmark(Baseline = true)]
    public void TorchNormal()
    {
        using var _ = torch.no_grad();
        foreach (var p in _parameters) p.normal_(0, 1);
    }

    /// <summary>WeightInit <c>normal</c> on every parameter.</summary>
    [Benchmark]
    public void WeightInitNormal() => _normal.Apply(_module);

    /// <summary>TorchSharp <c>p.uniform_(-1, 1)</c> for every parameter.</summary>
    [Benchmark]
    public void TorchUniform()
    {
        using var _ = torch.no_grad();
        foreach (var p in _parameters) p.uniform_(-1, 1);
    }

    /// <summary>WeightInit <c>uniform(low=-1, high=1)</c> on every parameter.</summary>
    [Benchmark]
    public void WeightInitUniform() => _uniform.Apply(_module);

    /// <summary>TorchSharp <c>nn.init.kaiming_uniform_</c> on every parameter (PyTorch's fans: dim 1 × receptive field).</summary>
    [Benchmark]
    public void TorchKaimingUniform()
    {
        foreach (var p in _parameters) nn.init.kaiming_uniform_(p);
    }

    /// <summary>WeightInit <c>he_uniform</c> on every parameter (exact fans from the module types).</summary>
    [Benchmark]
    public void WeightInitHeUniform() => _heUniform.Apply(_module);

    private sealed class Layers : nn.Module
    {
        public Layers() : base(nameof(Layers))
        {
            register_module("emb", nn.Embedding(32000, 512));
            register_module("up", nn.Linear(512, 2048, hasBias: false));
            register_module("down", nn.Linear(2048, 512, hasBias: false));
            register_module("conv", nn.Conv2d(256, 256, 3, bias: false));
            register_module("lstm", nn.LSTM(512, 512, bias: false));
        }
    }
}
