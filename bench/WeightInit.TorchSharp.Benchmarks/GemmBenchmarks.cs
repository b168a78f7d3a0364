using BenchmarkDotNet.Attributes;
using TorchSharp;
using WeightInit.LinearAlgebra;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Benchmarks;

/// <summary>Square float32 C ← A·B (2n³ flops per call): WeightInit's <see cref="Gemm"/> against libtorch's <c>torch.mm</c>
/// (MKL/oneDNN in the 2.10 CPU build) on the same values, at 1 and 2 threads.</summary>
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private Tensor _ta = null!, _tb = null!;

    /// <summary>Matrix side.</summary>
    [Params(256, 512, 1024, 2048)]
    public int N { get; set; }

    /// <summary>Threads for both libraries.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Fills A and B with values in [−1, 1) and copies them into libtorch tensors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        var random = new System.Random(1);
        int n2 = N * N;
        _a = new float[n2]; _b = new float[n2]; _c = new float[n2];
        for (int i = 0; i < n2; i++)
        {
            _a[i] = (float)(2 * random.NextDouble() - 1);
            _b[i] = (float)(2 * random.NextDouble() - 1);
        }
        _ta = torch.tensor(_a, [N, N]);
        _tb = torch.tensor(_b, [N, N]);
    }

    /// <summary>Frees the tensors.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _ta.Dispose();
        _tb.Dispose();
    }

    /// <summary>libtorch <c>torch.mm(a, b)</c> (the result tensor is freed each call).</summary>
    [Benchmark(Baseline = true)]
    public void TorchMm()
    {
        using var c = torch.mm(_ta, _tb);
    }

    /// <summary>WeightInit <see cref="Gemm.Multiply(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, int)"/>.</summary>
    [Benchmark]
    public void WeightInitGemm() => Gemm.Multiply(Transpose.None, Transpose.None, N, N, N, 1f, _a, N, _b, N, 0f, _c, N, Threads);
}
