using WeightInit.LinearAlgebra;
using static WeightInit.Tests.LinearAlgebra.GemmReference;

namespace WeightInit.Tests.LinearAlgebra;

public class GemmTests
{
    private static readonly Transpose[] Ops = [Transpose.None, Transpose.Transposed];

    // Odd sizes that are not multiples of any tile (6, 8, 16, 32 wide) nor of the packing blocks.
    private static readonly (int M, int N, int K)[] OddShapes =
        [(1, 1, 1), (1, 67, 3), (67, 1, 5), (7, 9, 1), (13, 17, 19), (33, 31, 29), (9, 65, 67), (67, 67, 67), (5, 3, 0)];

    public static TheoryData<Transpose, Transpose> TransposeCombos()
    {
        var data = new TheoryData<Transpose, Transpose>();
        foreach (var ta in Ops) foreach (var tb in Ops) data.Add(ta, tb);
        return data;
    }

    [Theory]
    [MemberData(nameof(TransposeCombos))]
    public void Multiply_SingleOddShapesWithPaddedStrides_WithinRoundingBoundOfDoubleReference(Transpose ta, Transpose tb)
    {
        var rng = new System.Random(20261122 + 2 * (int)ta + (int)tb);
        (float Alpha, float Beta)[] scales = [(1f, 0f), (1f, 1f), (-0.75f, 0.5f), (2.5f, -1.25f)];
        foreach (var (m, n, k) in OddShapes)
            foreach (var (alpha, beta) in scales)
            {
                bool tA = IsTransposed(ta), tB = IsTransposed(tb);
                int lda = (tA ? m : k) + 3, ldb = (tB ? k : n) + 5, ldc = n + 2;
                float[] a = RandomMatrix(rng, tA ? k : m, lda), b = RandomMatrix(rng, tB ? n : k, ldb), c0 = RandomMatrix(rng, m, ldc);
                float[] c = (float[])c0.Clone();
                Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

                // Bound for k fused multiply-adds plus the roundings of α·a and β·c: (k + 2)·u·(|α|·Σ|a||b| + |β·c₀|), u = 2⁻²⁴.
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double exact = beta == 0 ? 0 : (double)beta * c0[i * ldc + j], magnitude = Math.Abs(exact);
                        for (int p = 0; p < k; p++)
                        {
                            double term = (double)alpha * OpA(a, tA, lda, i, p) * OpB(b, tB, ldb, p, j);
                            exact += term;
                            magnitude += Math.Abs(term);
                        }
                        double bound = (k + 2) * Math.ScaleB(1.0, -24) * magnitude * 1.01;
                        Assert.True(Math.Abs(c[i * ldc + j] - exact) <= bound,
                            $"{m}×{n}×{k} α={alpha} β={beta} C[{i},{j}] = {c[i * ldc + j]:R}, reference {exact:R}, bound {bound:R}");
                    }
                // The two padding columns of every row of C are never written.
                for (int i = 0; i < m; i++)
                    for (int j = n; j < ldc; j++) Assert.Equal(c0[i * ldc + j], c[i * ldc + j]);
            }
    }

    [Theory]
    [MemberData(nameof(TransposeCombos))]
    public void Multiply_DoubleOddShapesWithPaddedStrides_EqualsFmaChainDefinition(Transpose ta, Transpose tb)
    {
        var rng = new System.Random(7 + 2 * (int)ta + (int)tb);
        foreach (var (m, n, k) in OddShapes)
        {
            bool tA = IsTransposed(ta), tB = IsTransposed(tb);
            int lda = (tA ? m : k) + 1, ldb = (tB ? k : n) + 4, ldc = n + 3;
            double[] a = RandomMatrixDouble(rng, tA ? k : m, lda), b = RandomMatrixDouble(rng, tB ? n : k, ldb), c = RandomMatrixDouble(rng, m, ldc);
            double[] expected = FmaChain(tA, tB, m, n, k, -1.5, a, lda, b, ldb, 0.25, c, ldc);
            Gemm.Multiply(ta, tb, m, n, k, -1.5, a, lda, b, ldb, 0.25, c, ldc);
            Assert.Equal(expected, c);
        }
    }

    [Fact]
    public void Multiply_SmallIntegerMatrices_ExactProduct()
    {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] a = [1, 2, 3, 4, 5, 6], b = [7, 8, 9, 10, 11, 12], c = [1, 1, 1, 1];
        Gemm.Multiply(Transpose.None, Transpose.None, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2);
        Assert.Equal([58f, 64f, 139f, 154f], c);
        // Aᵀ stored: the same A read as 3×2 transposed, plus 2·C.
        float[] aT = [1, 4, 2, 5, 3, 6];
        Gemm.Multiply(Transpose.Transposed, Transpose.None, 2, 2, 3, 1f, aT, 2, b, 2, 2f, c, 2);
        Assert.Equal([3 * 58f, 3 * 64f, 3 * 139f, 3 * 154f], c);
    }

    [Fact]
    public void Multiply_BetaZero_IgnoresNaNInC()
    {
        float[] a = [1, 2], b = [3, 4], c = [float.NaN];
        Gemm.Multiply(Transpose.None, Transpose.None, 1, 1, 2, 1f, a, 2, b, 1, 0f, c, 1);
        Assert.Equal(11f, c[0]);
    }

    [Fact]
    public void Multiply_AlphaZeroOrEmptyInnerDimension_OnlyScalesC()
    {
        double[] a = [double.NaN, double.PositiveInfinity], b = [double.NaN, 1], c = [3, 5];
        Gemm.Multiply(Transpose.None, Transpose.None, 1, 2, 1, 0.0, a, 1, b, 2, 0.5, c, 2);
        Assert.Equal([1.5, 2.5], c);
        Gemm.Multiply(Transpose.None, Transpose.None, 1, 2, 0, 1.0, ReadOnlySpan<double>.Empty, 1, ReadOnlySpan<double>.Empty, 2, -2.0, c, 2);
        Assert.Equal([-3.0, -5.0], c);
    }

    [Fact]
    public void Multiply_ThreadCounts_BitIdenticalResults()
    {
        var rng = new System.Random(99);
        // Large enough to go parallel (m·n·k above the serial threshold) and, for the flat shape, to split C by columns.
        (int M, int N, int K)[] shapes = [(203, 197, 131), (9, 700, 301), (517, 45, 263)];
        foreach (var (m, n, k) in shapes)
        {
            Assert.True((long)m * n * k >= 1L << 20, "shape must exceed the serial threshold to exercise threads");
            float[] a = RandomMatrix(rng, m, k), b = RandomMatrix(rng, k, n), c0 = RandomMatrix(rng, m, n);
            double[] ad = RandomMatrixDouble(rng, m, k), bd = RandomMatrixDouble(rng, k, n), cd0 = RandomMatrixDouble(rng, m, n);
            float[]? first = null;
            double[]? firstDouble = null;
            foreach (int threads in new[] { 1, 2, 3, -1 })
            {
                float[] c = (float[])c0.Clone();
                Gemm.Multiply(Transpose.None, Transpose.None, m, n, k, 0.5f, a, k, b, n, -1f, c, n, threads);
                double[] cd = (double[])cd0.Clone();
                Gemm.Multiply(Transpose.None, Transpose.None, m, n, k, 0.5, ad, k, bd, n, -1.0, cd, n, threads);
                first ??= c;
                firstDouble ??= cd;
                Assert.Equal(first, c);
                Assert.Equal(firstDouble, cd);
            }
            Assert.Equal(FmaChain(false, false, m, n, k, 0.5f, a, k, b, n, -1f, c0, n), first);
        }
    }

    [Fact]
    public void Multiply_LeadingDimensionBelowRowWidth_ThrowsNamingTheMinimum()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(Transpose.None, Transpose.None, 2, 2, 3, 1f, new float[6], 2, new float[6], 2, 0f, new float[4], 2));
        Assert.Equal("lda", ex.ParamName);
        Assert.Contains("at least max(1, 3)", ex.Message);
    }

    [Fact]
    public void Multiply_SpanTooShort_ThrowsNamingTheNeededLength()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(Transpose.None, Transpose.Transposed, 2, 2, 3, 1f, new float[6], 3, new float[5], 3, 0f, new float[4], 2));
        Assert.Equal("b", ex.ParamName);
        Assert.Contains("needs at least 6 elements", ex.Message);
    }

    [Fact]
    public void Multiply_COverlapsA_Throws()
    {
        var buffer = new float[8];
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(Transpose.None, Transpose.None, 2, 2, 2, 1f, buffer.AsSpan(0, 4), 2, new float[4], 2, 0f, buffer.AsSpan(2, 4), 2));
        Assert.Contains("must not overlap A", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void Multiply_InvalidDegreeOfParallelism_Throws(int threads)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(Transpose.None, Transpose.None, 1, 1, 1, 1.0, new double[1], 1, new double[1], 1, 0.0, new double[1], 1, threads));
        Assert.Equal("maxDegreeOfParallelism", ex.ParamName);
    }

    [Fact]
    public void Multiply_NegativeDimensionOrUnknownTranspose_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(Transpose.None, Transpose.None, -1, 1, 1, 1f, new float[1], 1, new float[1], 1, 0f, new float[1], 1));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply((Transpose)7, Transpose.None, 1, 1, 1, 1f, new float[1], 1, new float[1], 1, 0f, new float[1], 1));
        Assert.Contains("Transpose.None or Transpose.Transposed", ex.Message);
    }
}
