using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using WeightInit.Initializers;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Benchmarks;

/// <summary>Every parameter of the module a subclass builds initialized in place three ways, by TorchSharp's own
/// <c>normal_</c>, <c>uniform_</c> and <c>nn.init.kaiming_uniform_</c> in a loop over <c>parameters()</c> and by one
/// <see cref="ModuleInit"/> call with the same law, at 1 and 2 threads (<c>torch.set_num_threads</c>;
/// <see cref="ModuleInit.Threads"/>).</summary>
public abstract class InitBenchmarks
{
    private nn.Module _module = null!;
    private Parameter[] _parameters = [];
    private ModuleInit _normal = null!, _uniform = null!, _heUniform = null!;

    /// <summary>Threads for both libraries.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The module whose parameters are initialized (weights only, no biases).</summary>
    protected abstract nn.Module CreateModule();

    /// <summary>Builds the module and sets both libraries' thread counts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        _module = CreateModule();
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

    /// <summary>TorchSharp <c>nn.init.kaiming_uniform_</c> on every parameter (a = 0, PyTorch's fans: dim 1 × receptive field).</summary>
    [Benchmark]
    public void TorchKaimingUniform()
    {
        foreach (var p in _parameters) nn.init.kaiming_uniform_(p);
    }

    /// <summary>WeightInit <c>he_uniform</c> on every parameter (exact fans from the module types; for a Linear the same
    /// law, U(±√(6/fan_in))).</summary>
    [Benchmark]
    public void WeightInitHeUniform() => _heUniform.Apply(_module);
}
