using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using WeightInit.Initializers;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Benchmarks;

/// <summary>One 4096 × 4096 float32 parameter (2²⁴ elements; the weight of a bias-free <c>Linear(4096, 4096)</c>, so that
/// WeightInit has its fans) initialized in place: TorchSharp's own <c>normal_</c>,
/// <c>uniform_</c> and <c>nn.init.kaiming_uniform_</c> against WeightInit's <see cref="ModuleInit"/> with the same law, at 1 and 2
/// threads (<c>torch.set_num_threads</c>; <see cref="ModuleInit.Threads"/>).</summary>
public class TensorInitBenchmarks
{
    private const int Side = 4096; // 4096² = 2²⁴
    private Linear _module = null!;
    private ModuleInit _normal = null!, _uniform = null!, _heUniform = null!;

    /// <summary>Threads for both libraries.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Allocates the tensor and sets both libraries' thread counts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        _module = nn.Linear(Side, Side, hasBias: false);
        _normal = new ModuleInit(42).Threads(Threads).Rule("weight", Init.Normal());
        _uniform = new ModuleInit(42).Threads(Threads).Rule("weight", Init.Uniform(-1, 1));
        _heUniform = new ModuleInit(42).Threads(Threads).Rule("weight", Init.HeUniform());
    }

    /// <summary>Frees the tensor.</summary>
    [GlobalCleanup]
    public void Cleanup() => _module.Dispose();

    /// <summary>TorchSharp <c>w.normal_(0, 1)</c>.</summary>
    [Benchmark(Baseline = true)]
    public void TorchNormal() { using var _ = torch.no_grad(); _module.weight!.normal_(0, 1); }

    /// <summary>WeightInit <c>normal</c>, written in place.</summary>
    [Benchmark]
    public void WeightInitNormal() => _normal.Apply(_module);

    /// <summary>TorchSharp <c>w.uniform_(-1, 1)</c>.</summary>
    [Benchmark]
    public void TorchUniform() { using var _ = torch.no_grad(); _module.weight!.uniform_(-1, 1); }

    /// <summary>WeightInit <c>uniform(low=-1, high=1)</c>.</summary>
    [Benchmark]
    public void WeightInitUniform() => _uniform.Apply(_module);

    /// <summary>TorchSharp <c>nn.init.kaiming_uniform_(w)</c> (a = 0, fan_in, leaky_relu gain √2).</summary>
    [Benchmark]
    public void TorchKaimingUniform() => nn.init.kaiming_uniform_(_module.weight!);

    /// <summary>WeightInit <c>he_uniform</c> (the same law: U(±√(6/fan_in))).</summary>
    [Benchmark]
    public void WeightInitHeUniform() => _heUniform.Apply(_module);
}
