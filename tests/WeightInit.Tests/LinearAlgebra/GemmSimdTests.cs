using WeightInit.LinearAlgebra;
using static WeightInit.Tests.LinearAlgebra.GemmReference;

namespace WeightInit.Tests.LinearAlgebra;

/// <summary>
/// Every instruction-set path must give the bits of the documented FMA chain. Each path is forced in turn (a path the
/// hardware lacks runs in the runtime's software fallback); CI reruns this category with AVX-512, AVX2 and all
/// hardware intrinsics switched off, which changes both the fallbacks and the path the public entry point picks.
/// </summary>
[Trait("Category", "Simd")]
public class GemmSimdTests
{
    private static readonly SimdPath[] Paths = [SimdPath.Scalar, SimdPath.Vector128, SimdPath.Vector256, SimdPath.Vector512];

    private static readonly (int M, int N, int K)[] Shapes = [(1, 1, 1), (8, 32, 5), (13, 37, 29), (23, 65, 41), (67, 3, 67)];

    public static TheoryData<int, int> PathAndTransposes()
    {
        var data = new TheoryData<int, int>();
        foreach (var path in Paths) for (int t = 0; t < 4; t++) data.Add((int)path, t);
        return data;
    }

    [Theory]
    [MemberData(nameof(PathAndTransposes))]
    public void Multiply_EachPathSingle_EqualsFmaChainBitForBit(int pathBits, int transposes)
    {
        var path = (SimdPath)pathBits;
        bool tA = (transposes & 1) != 0, tB = (transposes & 2) != 0;
        var rng = new System.Random(1000 + transposes);
        foreach (var (m, n, k) in Shapes)
        {
            int lda = (tA ? m : k) + 1, ldb = (tB ? k : n) + 2, ldc = n + 1;
            float[] a = RandomMatrix(rng, tA ? k : m, lda), b = RandomMatrix(rng, tB ? n : k, ldb), c = RandomMatrix(rng, m, ldc);
            float[] expected = FmaChain(tA, tB, m, n, k, 0.7f, a, lda, b, ldb, -0.3f, c, ldc);
            Gemm.Multiply(path, tA ? Transpose.Transposed : Transpose.None, tB ? Transpose.Transposed : Transpose.None,
                m, n, k, 0.7f, a, lda, b, ldb, -0.3f, c, ldc, 2);
            AssertBits(expected, c, $"{path} {m}×{n}×{k}");
        }
    }

    [Theory]
    [MemberData(nameof(PathAndTransposes))]
    public void Multiply_EachPathDouble_EqualsFmaChainBitForBit(int pathBits, int transposes)
    {
        var path = (SimdPath)pathBits;
        bool tA = (transposes & 1) != 0, tB = (transposes & 2) != 0;
        var rng = new System.Random(2000 + transposes);
        foreach (var (m, n, k) in Shapes)
        {
            int lda = (tA ? m : k) + 2, ldb = (tB ? k : n) + 1, ldc = n + 2;
            double[] a = RandomMatrixDouble(rng, tA ? k : m, lda), b = RandomMatrixDouble(rng, tB ? n : k, ldb), c = RandomMatrixDouble(rng, m, ldc);
            double[] expected = FmaChain(tA, tB, m, n, k, 1.3, a, lda, b, ldb, 2.0, c, ldc);
            Gemm.Multiply(path, tA ? Transpose.Transposed : Transpose.None, tB ? Transpose.Transposed : Transpose.None,
                m, n, k, 1.3, a, lda, b, ldb, 2.0, c, ldc, 2);
            for (int i = 0; i < c.Length; i++)
                Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(c[i]),
                    $"{path} {m}×{n}×{k} element {i}: {c[i]:R} vs {expected[i]:R}");
        }
    }

    [Fact]
    public void Multiply_DefaultPathAcrossDepthBlocksAndThreads_EqualsFmaChainBitForBit()
    {
        // k spans two depth panels (256) and m·n·k exceeds the serial threshold, so blocking over k and threads both act.
        const int m = 70, n = 53, k = 300;
        var rng = new System.Random(3);
        float[] a = RandomMatrix(rng, m, k), b = RandomMatrix(rng, n, k), c = RandomMatrix(rng, m, n);
        float[] expected = FmaChain(false, true, m, n, k, 1f, a, k, b, k, 1f, c, n);
        Gemm.Multiply(Transpose.None, Transpose.Transposed, m, n, k, 1f, a, k, b, k, 1f, c, n, 2);
        AssertBits(expected, c, $"default path {Gemm.FastestPath}");
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what} element {i}: {actual[i]:R} vs {expected[i]:R}");
    }
}
