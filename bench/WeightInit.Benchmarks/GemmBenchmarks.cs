using BenchmarkDotNet.Attributes;
using WeightInit.LinearAlgebra;

namespace WeightInit.Benchmarks;

/// <summary>Square C ← A·B in float32 and float64 on one thread and on every core (2n³ flops per call).</summary>
public class GemmBenchmarks
{
    private float[] _a32 = [], _b32 = [], _c32 = [];
    private double[] _a64 = [], _b64 = [], _c64 = [];

    /// <summary>Matrix side.</summary>
    [Params(256, 1024)]
    public int N { get; set; }

    /// <summary>Threads: 1, or -1 for every core.</summary>
    [Params(1, -1)]
    public int Threads { get; set; }

    /// <summary>Fills A and B with values in [−1, 1).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new System.Random(1);
        int n2 = N * N;
        _a32 = new float[n2]; _b32 = new float[n2]; _c32 = new float[n2];
        _a64 = new double[n2]; _b64 = new double[n2]; _c64 = new double[n2];
        for (int i = 0; i < n2; i++)
        {
            _a64[i] = 2 * random.NextDouble() - 1;
            _b64[i] = 2 * random.NextDouble() - 1;
            _a32[i] = (float)_a64[i];
            _b32[i] = (float)_b64[i];
        }
    }

    /// <summary>float32 multiply.</summary>
    [Benchmark]
    public void Single() => Gemm.Multiply(Transpose.None, Transpose.None, N, N, N, 1f, _a32, N, _b32, N, 0f, _c32, N, Threads);

    /// <summary>float64 multiply.</summary>
    [Benchmark]
    public void Double() => Gemm.Multiply(Transpose.None, Transpose.None, N, N, N, 1.0, _a64, N, _b64, N, 0.0, _c64, N, Threads);
}
