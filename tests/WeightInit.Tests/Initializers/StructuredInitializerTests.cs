using WeightInit.Sampling;
using WeightInit.Initializers;
using WeightInit.Random;
using WeightInit.Shapes;

namespace WeightInit.Tests.Initializers;

public class StructuredInitializerTests
{
    private static readonly PhiloxKey Key = PhiloxKey.FromSeed(11).Fold("structured");

    [Fact]
    public void StructuredValue_BeyondTheElementType_Refused_NotWrittenAsInfinity()
    {
        // 1e300 is a float64 but no float32; 1e5 is a float32 but no float16 (largest 65504); 4e38 no bfloat16 (largest ≈ 3.39e38).
        var shape = WeightShape.OutIn(4, 4);
        Assert.Contains("beyond the largest finite float32", Assert.Throws<ArgumentException>(() => new Constant(1e300).CreateSingle(Key, shape)).Message);
        Assert.Contains("beyond the largest finite float16", Assert.Throws<ArgumentException>(() => new Constant(1e5).Fill(Key, shape, new Half[16])).Message);
        Assert.Contains("beyond the largest finite bfloat16", Assert.Throws<ArgumentException>(() => new Constant(4e38).FillBFloat16Bits(Key, shape, new ushort[16])).Message);
        Assert.Contains("beyond the largest finite float32", Assert.Throws<ArgumentException>(() => InitializerRegistry.Parse("orthogonal(gain=1e300)").CreateSingle(Key, shape)).Message);
        Assert.All(new Constant(1e300).CreateDouble(Key, shape), v => Assert.Equal(1e300, v));
        Assert.All(new Constant(65504).CreateSingle(Key, shape), v => Assert.Equal(65504f, v));
        var h = new Half[16]; new Constant(65504).Fill(Key, shape, h);
        Assert.All(h, v => Assert.Equal((Half)65504, v));
    }

    [Fact]
    public void Identity_Rectangular_OnesOnMainDiagonal()
    {
        var w = new Identity(2).CreateDouble(Key, WeightShape.OutIn(3, 4));
        Assert.Equal(new double[] { 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0 }, w);
    }

    [Fact]
    public void Dirac_TwoGroups_PassesChannelsThroughCentre()
    {
        var shape = WeightShape.OutIn(4, 2, 3); // out 4, in 2, kernel 3, two groups of 2 outputs
        var w = new Dirac(2).CreateDouble(Key, shape);
        double At(int o, int i, int k) => w[(o * 2 + i) * 3 + k];
        for (int o = 0; o < 4; o++)
            for (int i = 0; i < 2; i++)
                for (int k = 0; k < 3; k++)
                    Assert.Equal(k == 1 && i == o % 2 ? 1.0 : 0.0, At(o, i, k));
        Assert.Contains("divisible by groups", Assert.Throws<ArgumentException>(() => new Dirac(3).CreateDouble(Key, shape)).Message);
    }

    [Fact]
    public void Bilinear_KernelThree_CentredRow_LegacyOffCentre()
    {
        // Values from the reference: fixed K=3 middle row [0.5, 1, 0.5]; pre-2017 formula [0.1875, 0.5625, 0.5625].
        var w = new Bilinear().CreateDouble(Key, WeightShape.OutIn(1, 1, 3, 3));
        Assert.Equal(new[] { 0.5, 1.0, 0.5 }, w.Skip(3).Take(3));
        Assert.Equal(new[] { 0.25, 0.5, 0.25 }, w.Take(3));
        var legacy = new Bilinear(Legacy: true).CreateDouble(Key, WeightShape.OutIn(1, 1, 3, 3));
        Assert.Equal(new[] { 0.1875, 0.5625, 0.5625 }, legacy.Skip(3).Take(3));
        // K = 4: f = 2, c = 0.75: 1 − |x/2 − 0.75| = 0.25, 0.75, 0.75, 0.25.
        var four = new Bilinear().CreateDouble(Key, WeightShape.OutIn(2, 1, 4, 4));
        Assert.Equal(new[] { 0.0625, 0.1875, 0.1875, 0.0625 }, four.Take(4));
        Assert.Equal(four.Take(16), four.Skip(16));
    }

    [Fact]
    public void Sparse_EveryColumn_ExactZeroCount()
    {
        var w = new Sparse(0.3, 0.01).CreateDouble(Key, WeightShape.OutIn(50, 40));
        for (int c = 0; c < 40; c++)
        {
            int zeros = Enumerable.Range(0, 50).Count(r => w[r * 40 + c] == 0);
            Assert.Equal(15, zeros); // ⌈0.3·50⌉
        }
    }

    /// <summary>The definition, written directly: the float64 normal stream, then in each column the ⌈s·rows⌉ rows with the smallest (stream-1 word, row) zeroed.</summary>
    private static double[] SparseReference(double sparsity, double std, int rows, int cols)
    {
        var w = new double[rows * cols];
        new NormalDistribution(0, std).Fill(Key, w);
        int zeros = (int)Math.Ceiling(sparsity * rows);
        for (int c = 0; c < cols; c++)
        {
            var order = Enumerable.Range(0, rows)
                .Select(r => (Word: PhiloxWords.Word(Key, 1, (ulong)((long)r * cols + c)), Row: r))
                .OrderBy(t => t.Word).ThenBy(t => t.Row).Take(zeros);
            foreach (var (_, r) in order) w[r * cols + c] = 0.0;
        }
        return w;
    }

    [Theory]
    [InlineData(0.3, 37, 23)]
    [InlineData(0.5, 5, 300)]
    [InlineData(1.0, 9, 70)]
    [InlineData(0.01, 130, 3)]
    [InlineData(0.9, 2000, 2)]
    public void Sparse_WholeAndPartialFills_EqualDefinition(double sparsity, int rows, int cols)
    {
        var shape = WeightShape.OutIn(rows, cols);
        var init = new Sparse(sparsity, 0.5);
        var expected = SparseReference(sparsity, 0.5, rows, cols);
        Assert.Equal(expected, init.CreateDouble(Key, shape));
        int n = rows * cols;
        foreach (var (a, b) in new[] { (0, 1), (1, Math.Min(n, cols)), (cols - 1, Math.Min(n, cols + 2)), (n / 3, n / 3 + 1), (n / 2, n), (7 % n, n) })
        {
            var part = new double[b - a];
            init.Fill(Key, shape, part, a);
            Assert.Equal(expected.AsSpan(a, b - a).ToArray(), part);
        }
        // A different key first, so that the next fill cannot reuse the cached thresholds.
        new Sparse(sparsity, 0.5).CreateDouble(PhiloxKey.FromSeed(1), shape);
        var tail = new float[cols];
        init.Fill(Key, shape, tail, n - cols);
        Assert.Equal(expected.Skip(n - cols).Select(v => (float)v), tail);
    }

    [Fact]
    public void SparseMask_Select_EqualsSortedOrder()
    {
        var rng = new System.Random(5);
        foreach (int length in new[] { 1, 2, 3, 10, 101, 1000 })
        {
            var values = Enumerable.Range(0, length).Select(i => ((ulong)rng.Next(50) << 32) | (uint)i).ToArray();
            var sorted = values.OrderBy(v => v).ToArray();
            for (int k = 0; k < length; k += Math.Max(1, length / 7))
                Assert.Equal(sorted[k], SparseMask.Select(values.ToArray(), k));
        }
    }

    [Fact]
    public void PositiveUnitBall_RowsNonNegativeSumToOne()
    {
        var w = new PositiveUnitBall().CreateDouble(Key, WeightShape.OutIn(6, 5, 2));
        for (int r = 0; r < 6; r++)
        {
            var row = w.Skip(r * 10).Take(10).ToArray();
            Assert.All(row, v => Assert.True(v >= 0));
            Assert.Equal(1.0, row.Sum(), 1e-14);
        }
    }

    [Fact]
    public void CaffeSparseGaussian_KeptFraction_MatchesSparseOverNum()
    {
        // p = 20/100; count of non-zeros in 100·200 entries is binomial: allow 6 standard deviations.
        var w = InitializerRegistry.Parse("caffe.gaussian(std=0.1, sparse=20)").CreateDouble(Key, WeightShape.OutIn(100, 200));
        int kept = w.Count(v => v != 0);
        double n = w.Length, p = 0.2, sd = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(kept, n * p - 6 * sd, n * p + 6 * sd);
    }

    [Theory]
    [InlineData("sparse(sparsity=0.5)")]
    [InlineData("caffe.positive_unitball")]
    [InlineData("caffe.gaussian(sparse=3)")]
    [InlineData("dirac(groups=2)")]
    [InlineData("bilinear")]
    public void PartialFill_Structured_EqualsSliceOfWholeFill(string spec)
    {
        var init = InitializerRegistry.Parse(spec);
        var shape = spec.StartsWith("dirac") || spec.StartsWith("bilinear") ? WeightShape.OutIn(4, 3, 5, 5) : WeightShape.OutIn(12, 9);
        var whole = init.CreateSingle(Key, shape);
        var part = new float[whole.Length - 13];
        init.Fill(Key, shape, part, 7);
        Assert.Equal(whole.Skip(7).Take(part.Length), part);
    }
}

public class OrthogonalTests
{
    private static readonly PhiloxKey Key = PhiloxKey.FromSeed(5).Fold("orthogonal");

    private static double[,] Gram(double[] m, int rows, int cols, bool ofRows)
    {
        int n = ofRows ? rows : cols, len = ofRows ? cols : rows;
        var g = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < len; k++)
                    s += ofRows ? m[i * cols + k] * m[j * cols + k] : m[k * cols + i] * m[k * cols + j];
                g[i, j] = s;
            }
        return g;
    }

    [Theory]
    [InlineData(30, 30)]
    [InlineData(50, 20)]
    [InlineData(20, 50)]
    [InlineData(1, 7)]
    public void Orthogonal_Float64_GramIsGainSquaredIdentity(int rows, int cols)
    {
        var w = new Orthogonal(2).CreateDouble(Key, WeightShape.OutIn(rows, cols));
        bool ofRows = rows <= cols;
        var g = Gram(w, rows, cols, ofRows);
        int n = Math.Min(rows, cols);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(i == j ? 4.0 : 0.0, g[i, j], 1e-12);
    }

    [Fact]
    public void Orthogonal_ConvolutionFlattening_PyTorchRowsKerasColumns()
    {
        // PyTorch [8, 4, 3, 3]: M is 8 × 36 with orthonormal rows. Keras [3, 3, 4, 8]: M is 36 × 8 with orthonormal columns.
        var torch = new Orthogonal().CreateDouble(Key, WeightShape.OutIn(8, 4, 3, 3));
        Assert.Equal((8, 36), Orthogonal.MatrixView(WeightShape.OutIn(8, 4, 3, 3)));
        var gt = Gram(torch, 8, 36, ofRows: true);
        for (int i = 0; i < 8; i++) Assert.Equal(1.0, gt[i, i], 1e-12);
        var keras = new Orthogonal().CreateDouble(Key, new WeightShape([3, 3, 4, 8], WeightLayout.KernelInOut));
        var gk = Gram(keras, 36, 8, ofRows: false);
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++)
                Assert.Equal(i == j ? 1.0 : 0.0, gk[i, j], 1e-12);
    }

    [Fact]
    public void Orthogonal_SignFix_DiagonalOfQTransposeA_Positive()
    {
        // With the sign fix, Q = A·R⁻¹ with diag(R) > 0: every column of Q has a positive inner product with the same column of A.
        const int n = 12;
        var q = Orthogonal.Matrix(Key, n, n, 1);
        var a = new double[n * n];
        new NormalDistribution(0, 1).Fill(Key, a);
        for (int j = 0; j < n; j++)
        {
            double dot = 0;
            for (int i = 0; i < n; i++) dot += q[i * n + j] * a[i * n + j];
            Assert.True(dot > 0, $"column {j}");
        }
    }

    [Fact]
    public void Orthogonal_Haar_FirstEntryVariance()
    {
        // For Haar Q on O(n), each entry has mean 0 and variance 1/n; over 400 keys the sample variance of Q[0,0]
        // has standard error ≈ √(2/400)/n (entries are nearly Gaussian): allow 6 of them.
        const int n = 16, keys = 400;
        var x = new double[keys];
        for (int s = 0; s < keys; s++) x[s] = Orthogonal.Matrix(PhiloxKey.FromSeed((ulong)s), n, n, 1)[0];
        double mean = x.Average(), variance = x.Sum(v => v * v) / keys;
        Assert.True(Math.Abs(mean) < 6 * Math.Sqrt(1.0 / n / keys), $"mean {mean}");
        Assert.True(Math.Abs(variance - 1.0 / n) < 6 * Math.Sqrt(2.0 / keys) / n, $"variance {variance}");
    }

    [Fact]
    public void DeltaOrthogonal_CentreSliceOrthonormalColumns_ZerosElsewhere()
    {
        var shape = WeightShape.OutIn(6, 4, 3, 3);
        var w = new DeltaOrthogonal().CreateDouble(Key, shape);
        var slice = new double[24];
        for (int o = 0; o < 6; o++)
            for (int i = 0; i < 4; i++)
                for (int k = 0; k < 9; k++)
                {
                    double v = w[(o * 4 + i) * 9 + k];
                    if (k == 4) slice[o * 4 + i] = v; else Assert.Equal(0.0, v);
                }
        var g = Gram(slice, 6, 4, ofRows: false);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(i == j ? 1.0 : 0.0, g[i, j], 1e-12);
        Assert.Contains("out ≥ in", Assert.Throws<ArgumentException>(() => new DeltaOrthogonal().CreateDouble(Key, WeightShape.OutIn(2, 4, 3, 3))).Message);
    }
}
