using BenchmarkDotNet.Attributes;
using WeightInit.Random;
using WeightInit.Sampling;

namespace WeightInit.Benchmarks;

/// <summary>The three samplers over each element type: uniform, normal (Box–Muller) and ±2σ truncated normal (inverse CDF).</summary>
[MemoryDiagnoser]
public class FillBenchmarks
{
    /// <summary>Which sampler.</summary>
    public enum Sampler { Uniform, Normal, TruncatedNormal }

    /// <summary>Which element type.</summary>
    public enum Element { F32, F64, F16, BF16 }

    private Distribution _distribution = null!;
    private float[] _f32 = [];
    private double[] _f64 = [];
    private Half[] _f16 = [];
    private ushort[] _bf16 = [];
    private SamplingOptions _options = SamplingOptions.Default;
    private readonly PhiloxKey _key = PhiloxKey.FromSeed(0).Fold("bench");

    /// <summary>Elements per fill: 2^20 (4 MiB of float32, beyond L2 on most machines).</summary>
    [Params(1 << 20)]
    public int Size { get; set; }

    /// <summary>The sampler.</summary>
    [ParamsAllValues]
    public Sampler Distribution { get; set; }

    /// <summary>The element type.</summary>
    [ParamsAllValues]
    public Element Type { get; set; }

    /// <summary>Threads: 1, or 0 for every core.</summary>
    [Params(1, 0)]
    public int Threads { get; set; }

    /// <summary>Allocates and touches the destination.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _distribution = Distribution switch
        {
            Sampler.Uniform => new UniformDistribution(0, 1),
            Sampler.Normal => new NormalDistribution(0, 1),
            _ => new TruncatedNormalDistribution(0, 1, -2, 2),
        };
        _options = new SamplingOptions { MaxThreads = Threads };
        switch (Type)
        {
            case Element.F32: _f32 = new float[Size]; break;
            case Element.F64: _f64 = new double[Size]; break;
            case Element.F16: _f16 = new Half[Size]; break;
            default: _bf16 = new ushort[Size]; break;
        }
    }

    /// <summary>One fill of the whole buffer.</summary>
    [Benchmark]
    public void Fill()
    {
        switch (Type)
        {
            case Element.F32: _distribution.Fill(_key, _f32, 0, _options); break;
            case Element.F64: _distribution.Fill(_key, _f64, 0, _options); break;
            case Element.F16: _distribution.Fill(_key, _f16, 0, _options); break;
            default: _distribution.FillBFloat16Bits(_key, _bf16, 0, _options); break;
        }
    }
}
